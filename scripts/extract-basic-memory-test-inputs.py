#!/usr/bin/env python3
"""Copies the markdown inputs of Basic Memory's parser tests into our differential test data.

usage: python3 scripts/extract-basic-memory-test-inputs.py BASIC_MEMORY_CHECKOUT

Reads tests/markdown/*.py and tests/utils/test_permalink_formatting.py of a Basic Memory checkout,
and writes each string literal that looks like a note (it has a line break and a list item,
heading, [[link]] or #tag) to Tests/e2e/data/basic-memory/test-inputs/<test file>-<n>.md, and
each `….md` path its permalink tests use to …/test-inputs/names.txt. Only the inputs are kept,
never the test code.
"""
import ast
import pathlib
import re
import sys
import textwrap

OUT = pathlib.Path(__file__).resolve().parents[1] / "Tests/e2e/data/basic-memory/test-inputs"
NOTE_SHAPE = re.compile(r"^\s*([-*] |#|\d+\. )|\[\[|(^|\s)#\w", re.MULTILINE)


def strings(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def main():
    checkout = pathlib.Path(sys.argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.md"):
        old.unlink()
    for test in sorted((checkout / "tests/markdown").glob("test_*.py")):
        seen = set()
        for value in strings(test):
            text = textwrap.dedent(value).lstrip("\n")
            if "\n" not in text.strip() or not NOTE_SHAPE.search(text) or text in seen:
                continue
            seen.add(text)
            (OUT / f"{test.stem}-{len(seen):03d}.md").write_text(text, encoding="utf-8")
    names = []
    for value in strings(checkout / "tests/utils/test_permalink_formatting.py"):
        if value.endswith(".md") and "\n" not in value and not value.startswith("/") and ".." not in value:
            names.append(value)
    (OUT / "names.txt").write_text("\n".join(dict.fromkeys(names)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
