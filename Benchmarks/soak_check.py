"""The soak's verdict: given every file of the notes (read from the bucket or the folder, not
through a bridge), the acknowledged saves and the index's notes table, count what was lost,
what is torn, where the index disagrees with the files and which temporary files were left.

A file is TORN when any of these holds (every writer in the soak writes whole lines of ASCII
text with unique tokens of the shape `[tok:<12 hex>]`, so a whole version always passes):
  - it holds a NUL byte, or is not valid UTF-8;
  - it is not empty and does not end with a newline (a version cut mid-line);
  - it does not start with the frontmatter fence `---\\n`;
  - a token is cut: the count of `[tok:` differs from the count of whole tokens.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

TOKEN = re.compile(rb"\[tok:[0-9a-f]{12}\]")
TOKEN_START = b"[tok:"
TEMP_MARK = ".nb-tmp-"


def is_conflict_copy(path: str) -> bool:
    return ".conflict-" in path.rsplit("/", 1)[-1]


def is_temporary(path: str) -> bool:
    return TEMP_MARK in path.rsplit("/", 1)[-1]


def is_note(path: str) -> bool:
    """What the index holds: visible .md files that are not conflict copies."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".md") and not name.startswith(".") and not is_conflict_copy(path)


def torn_reason(data: bytes) -> str | None:
    """Why `data` is not a whole version of a note, or None if it is one."""
    if b"\0" in data:
        return "NUL bytes"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if data and not data.endswith(b"\n"):
        return "ends mid-line"
    if not data.startswith(b"---\n"):
        return "no frontmatter fence at the start"
    if data.count(TOKEN_START) != len(TOKEN.findall(data)):
        return "a token cut mid-way"
    return None


@dataclass
class Verdict:
    tokens_acknowledged: int = 0
    lost: list[str] = field(default_factory=list)                 # "token (status, path, bridge)"
    only_in_conflict_copies: list[str] = field(default_factory=list)
    torn: dict[str, str] = field(default_factory=dict)            # path -> reason
    index_mismatches: dict[str, str] = field(default_factory=dict)  # path -> what differs
    temp_files: list[str] = field(default_factory=list)
    external_tokens_lost: int = 0                                 # written by the soak's outside writers

    def failed(self) -> bool:
        return bool(self.lost or self.torn or self.index_mismatches or self.temp_files)


def judge(files: dict[str, bytes], acknowledged: list[dict], external_tokens: list[str],
          index_rows: dict[str, str]) -> Verdict:
    """`files`: path -> bytes of every file; `acknowledged`: {status, path, copyPath?, tokens, bridge};
    `index_rows`: path -> checksum from the index's notes table after a final `notebridge index`."""
    verdict = Verdict()
    where: dict[bytes, list[str]] = {}
    for path, data in files.items():
        if is_temporary(path):
            verdict.temp_files.append(path)
            continue
        if not path.endswith(".md"):
            continue
        reason = torn_reason(data)
        if reason:
            verdict.torn[path] = reason
        for token in set(TOKEN.findall(data)):
            where.setdefault(token, []).append(path)

    for save in acknowledged:
        for token in save["tokens"]:
            verdict.tokens_acknowledged += 1
            holders = where.get(token.encode(), [])
            label = (f"{token} ({save['status']}, {save.get('copyPath') or save['path']}, bridge {save['bridge']}"
                     + (f", v{save['version']} at {save['at']:.1f} s" if save.get("at") is not None else "") + ")")
            if not holders:
                verdict.lost.append(label)
            elif save["status"] != "conflict" and all(is_conflict_copy(p) for p in holders):
                verdict.only_in_conflict_copies.append(label)
    verdict.external_tokens_lost = sum(1 for token in external_tokens if token.encode() not in where)

    notes = {path: data for path, data in files.items() if is_note(path)}
    for path, data in notes.items():
        checksum = hashlib.sha256(data).hexdigest()
        if path not in index_rows:
            verdict.index_mismatches[path] = "file not in the index"
        elif index_rows[path] != checksum:
            verdict.index_mismatches[path] = "index checksum differs from the file"
    for path in index_rows:
        if path not in notes:
            verdict.index_mismatches[path] = "indexed, but no such file"
    return verdict
