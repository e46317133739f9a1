"""The soak's verdict (Benchmarks/soak_check.py) must catch what it claims to: a soak whose checker
passed everything would prove nothing."""
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Benchmarks"))

from soak_check import judge, torn_reason  # noqa: E402

WHOLE = b"---\ntitle: N\n---\n\nline 0: seed [tok:0123456789ab]\n"


def test_whole_versions_pass_and_each_kind_of_tear_is_named():
    assert torn_reason(WHOLE) is None
    assert torn_reason(WHOLE + b"\0" * 10) == "NUL bytes"
    assert torn_reason(WHOLE[:-1]) == "ends mid-line"
    assert torn_reason(b"\xff" + WHOLE) == "not UTF-8"
    assert torn_reason(WHOLE[20:]) == "no frontmatter fence at the start"
    assert torn_reason(WHOLE[:-8] + b"\n") == "a token cut mid-way"


def test_lost_copies_only_temp_files_and_index_mismatches_are_counted():
    note = WHOLE
    copy = b"---\ntitle: N\n---\n\nline +: [tok:bbbbbbbbbbbb]\n"
    files = {"n.md": note, "n.conflict-dev-20260101T000000Z.md": copy, ".n.md.nb-tmp-1234": b"x",
             "other.md": b"---\n\n"}
    acknowledged = [
        {"bridge": 0, "path": "n.md", "status": "saved", "tokens": ["[tok:0123456789ab]"]},   # in the note
        {"bridge": 1, "path": "n.md", "status": "merged", "tokens": ["[tok:bbbbbbbbbbbb]"]},  # only in a copy
        {"bridge": 2, "path": "n.md", "status": "saved", "tokens": ["[tok:cccccccccccc]"]},   # nowhere
    ]
    index = {"n.md": hashlib.sha256(note).hexdigest(), "other.md": "0" * 64, "gone.md": "1" * 64}
    verdict = judge(files, acknowledged, ["[tok:dddddddddddd]"], index)
    assert verdict.tokens_acknowledged == 3
    assert [lost.split()[0] for lost in verdict.lost] == ["[tok:cccccccccccc]"]
    assert [kept.split()[0] for kept in verdict.only_in_conflict_copies] == ["[tok:bbbbbbbbbbbb]"]
    assert verdict.temp_files == [".n.md.nb-tmp-1234"]
    assert set(verdict.index_mismatches) == {"other.md", "gone.md"}  # conflict copies are not notes
    assert verdict.external_tokens_lost == 1
    assert verdict.failed()
    assert not judge({"n.md": note}, acknowledged[:1], [], {"n.md": index["n.md"]}).failed()
