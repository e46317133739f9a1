"""The differential corpus: Basic Memory's own repository notes (data/basic-memory/repo), the
inputs of its parser tests (data/basic-memory/test-inputs), our cases exercising each construct
(data/basic-memory-compat/cases), and one empty note per tricky file name
(data/basic-memory-compat/names.txt, `\\uXXXX` escapes decoded, and the paths Basic Memory's
permalink tests use), laid out under one root."""
import pathlib
import re
import shutil

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
REPO_NOTES = DATA / "basic-memory/repo"
TEST_INPUTS = DATA / "basic-memory/test-inputs"
CASES = DATA / "basic-memory-compat/cases"
NAMES = DATA / "basic-memory-compat/names.txt"


def tricky_names():
    text = NAMES.read_text(encoding="utf-8")
    names = [re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), line)
             for line in text.split("\n") if line]
    return list(dict.fromkeys(names))


def build(root):
    """Copies the corpus under `root`; returns {kind: [root-relative paths]}."""
    kinds = {"repo": [], "tests": [], "cases": [], "names": []}
    for kind, source in (("repo", REPO_NOTES), ("tests", TEST_INPUTS), ("cases", CASES)):
        for path in sorted(source.rglob("*.md")):
            relative = kind + "/" + path.relative_to(source).as_posix()
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / relative)
            kinds[kind].append(relative)
    # Past notebridge's structure limit (NoteParser.maxStructuredLines): Basic Memory reads on.
    long_note = "generated/over-the-line-limit.md"
    (root / long_note).parent.mkdir(parents=True, exist_ok=True)
    (root / long_note).write_text("".join(f"- [item] entry {n} #t\n" for n in range(20_005)), encoding="utf-8")
    kinds["cases"].append(long_note)
    test_paths = (TEST_INPUTS / "names.txt").read_text(encoding="utf-8").split("\n")
    for relative in [name + ".md" for name in tricky_names()] + ["bm-names/" + path for path in test_paths if path]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(b"")
        kinds["names"].append(relative)
    return kinds
