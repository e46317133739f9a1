"""The differential corpus: Basic Memory's own repository notes (data/basic-memory/repo), our
cases exercising each construct (data/basic-memory-compat/cases), and one empty note per tricky
file name (data/basic-memory-compat/names.txt, `\\uXXXX` escapes decoded), laid out under one root."""
import pathlib
import re
import shutil

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
REPO_NOTES = DATA / "basic-memory/repo"
CASES = DATA / "basic-memory-compat/cases"
NAMES = DATA / "basic-memory-compat/names.txt"


def tricky_names():
    text = NAMES.read_text(encoding="utf-8")
    names = [re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), line)
             for line in text.split("\n") if line]
    return list(dict.fromkeys(names))


def build(root):
    """Copies the corpus under `root`; returns {kind: [root-relative paths]}."""
    kinds = {"repo": [], "cases": [], "names": []}
    for kind, source in (("repo", REPO_NOTES), ("cases", CASES)):
        for path in sorted(source.rglob("*.md")):
            relative = kind + "/" + path.relative_to(source).as_posix()
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / relative)
            kinds[kind].append(relative)
    for name in tricky_names():
        relative = name + ".md"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(b"")
        kinds["names"].append(relative)
    return kinds
