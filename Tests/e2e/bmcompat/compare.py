"""Parses the corpus with Basic Memory 0.24.1 and with notebridge and lists, field by field,
where they differ.

usage: python -m bmcompat.compare NOTEBRIDGE_BIN   (from Tests/e2e; prints a summary and every
difference not in the allow-list)
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

from bmcompat import corpus, venv
from bmcompat.allowed import ALLOWED

FIELDS = ["title", "permalink", "type", "tags", "observations", "relations"]
DRIVER = pathlib.Path(__file__).with_name("bm_parse.py")


def basic_memory_view(root, paths):
    # Basic Memory writes its config (and a default project folder) under its data dir and HOME:
    # keep both in a scratch folder.
    with tempfile.TemporaryDirectory() as home:
        environment = dict(os.environ, HOME=home, BASIC_MEMORY_CONFIG_DIR=home + "/.basic-memory")
        environment.pop("XDG_CONFIG_HOME", None)
        done = subprocess.run([str(venv.ensure()), str(DRIVER), str(root)], input="\n".join(paths) + "\n",
                              capture_output=True, text=True, check=True, timeout=600, env=environment)
    return {record["path"]: record for record in map(json.loads, done.stdout.splitlines())}


def notebridge_view(binary, root, paths):
    records = {}
    for start in range(0, len(paths), 200):
        done = subprocess.run([str(binary), "parse", "--json", "--root", str(root), "--", *paths[start:start + 200]],
                              capture_output=True, text=True, check=True, timeout=600)
        records.update((record["path"], record) for record in map(json.loads, done.stdout.splitlines()))
    return records


def comparable(record, field):
    value = record.get(field)
    if field in ("observations", "relations"):
        return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value or [])
    return value


def differences(binary):
    """(kinds, {(path, field): (basic memory's value, notebridge's value)})."""
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        kinds = corpus.build(root)
        paths = [path for group in kinds.values() for path in group]
        theirs = basic_memory_view(root, paths)
        ours = notebridge_view(binary, root, paths)
    found = {}
    for path in paths:
        if "error" in theirs[path]:
            found[(path, "error")] = (theirs[path]["error"], None)
            continue
        for field in FIELDS:
            a, b = comparable(theirs[path], field), comparable(ours[path], field)
            if a != b:
                found[(path, field)] = (theirs[path].get(field), ours[path].get(field))
    return kinds, found


def summary(kinds, found):
    lines = []
    for kind, paths in kinds.items():
        differing = {path for path, _ in found if path in set(paths)}
        fields = sum(1 for path, _ in found if path in set(paths))
        lines.append(f"{kind}: {len(paths) - len(differing)}/{len(paths)} files agree, "
                     f"{len(paths) * len(FIELDS) - fields}/{len(paths) * len(FIELDS)} fields agree")
    return "\n".join(lines)


def describe(found, keys, width=600):
    def shown(value):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= width else text[:width] + f"… ({len(text)} characters)"
    out = []
    for key in sorted(keys):
        theirs, ours = found[key]
        out.append(f"{key[0]} [{key[1]}]\n  basic memory: {shown(theirs)}\n  notebridge:   {shown(ours)}")
    return "\n".join(out)


if __name__ == "__main__":
    kinds, found = differences(sys.argv[1])
    print(summary(kinds, found))
    unexpected = set(found) - set(ALLOWED)
    print(f"{len(found)} differences, {len(unexpected)} not allowed, "
          f"{len(set(ALLOWED) - set(found))} allowed but gone")
    print(describe(found, unexpected))


def allow_list_entries(found, reason_of):
    """Python source for bmcompat/allowed.py entries, one per difference (for maintainers)."""
    return "\n".join(f"    ({path!r}, {field!r}): {reason_of(path, field)!r}," for path, field in sorted(found))
