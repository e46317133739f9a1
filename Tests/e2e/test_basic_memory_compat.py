"""Differential test: Basic Memory 0.24.1's own parser (in-process, in a cached venv) and
`notebridge parse` read the same notes — Basic Memory's repository notes, our construct cases and
tricky file names — and must agree on title, permalink, type, tags, observations and relations,
except for the differences allowed (with a reason) in bmcompat/allowed.py."""
import subprocess

from bmcompat import compare, venv
from bmcompat.allowed import ALLOWED


def test_notebridge_reads_notes_as_basic_memory_does(notebridge_bin):
    kinds, found = compare.differences(notebridge_bin)
    assert sum(map(len, kinds.values())) > 500
    print(compare.summary(kinds, found))
    unexpected = set(found) - set(ALLOWED)
    assert not unexpected, "new differences from Basic Memory:\n" + compare.describe(found, unexpected)
    gone = set(ALLOWED) - set(found)
    assert not gone, f"allowed differences that no longer occur (remove them from bmcompat/allowed.py): {sorted(gone)}"


def test_unidecode_table_is_the_pinned_unidecode():
    """Sources/Notes/UnidecodeData.swift is exactly what the generator prints from the pinned
    Unidecode, so permalinks transliterate every script as Basic Memory's do."""
    generated = subprocess.run([str(venv.ensure()), str(venv.REPO / "scripts/generate-unidecode-table.py"), "-"],
                               capture_output=True, text=True, check=True, timeout=300).stdout
    committed = (venv.REPO / "Sources/Notes/UnidecodeData.swift").read_text(encoding="utf-8")
    assert generated == committed, "regenerate it: .venv-bm/bin/python scripts/generate-unidecode-table.py"
