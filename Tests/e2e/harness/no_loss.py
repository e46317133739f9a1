"""Helpers for the no-loss regression tests (issue 14): bridges on a local folder or on an rclone
mount with a Hrana index, unique tokens, and looking for a token in every file of a folder or
bucket, outside any bridge.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from .lsp import LspClient


def token() -> str:
    """A unique marker to find a piece of text again, whatever happened to the file around it."""
    return f"[tok:{secrets.token_hex(6)}]"


def start_bridge(root: Path, database: str, device: str, *extra: str, hrana=None, mount=None) -> LspClient:
    """`notebridge serve` on `root`, initialized and done with its first index. With `hrana` the
    index is that server (and its token goes in the environment); with `mount` the bridge gets
    the mount's rclone remote control."""
    env = dict(os.environ)
    args = ["serve", "--root", str(root), "--database", database, "--device", device, "--poll-interval", "0.3"]
    if hrana is not None:
        env["TURSO_AUTH_TOKEN"] = hrana.token
    if mount is not None:
        env.update(RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
        args += ["--rclone-rc", mount.rc_url]
    client = LspClient([*args, *extra], env=env)
    client.initialize(root=root)
    client.wait_indexed(timeout=120)
    return client


def stop(*clients: LspClient) -> None:
    for client in clients:
        if client.process.poll() is None:
            client.shutdown(timeout=5)
        client.close()


def index_row(database: str | Path, path: str) -> dict | None:
    """The index's notes row for `path` (read straight from the SQLite file), None if there is none."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT path, checksum, version, size FROM notes WHERE path = ?", (path,)).fetchone()
        return dict(row) if row else None


def temporaries(folder: Path) -> list[str]:
    return sorted(str(p) for p in Path(folder).rglob("*") if ".nb-tmp-" in p.name)


def files_holding(folder: Path, marker: str) -> list[str]:
    """Relative paths of the files under `folder` whose bytes contain `marker`."""
    found = []
    for path in Path(folder).rglob("*"):
        if path.is_file() and marker.encode() in path.read_bytes():
            found.append(str(path.relative_to(folder)))
    return sorted(found)


def keys_holding(s3, marker: str) -> list[str]:
    """Keys of the bucket's objects whose bytes contain `marker` (read through S3, not a mount)."""
    return [key for key in s3.keys() if marker.encode() in s3.get(key)]


def save_held_on_b(a: LspClient, b: LspClient, path: str, text: str) -> tuple[dict, str]:
    """A creates `path` and its upload lands; once B sees it, B saves an appended token line, whose
    upload B's mount holds back (a long write-back and no --rclone-rc). Returns B's save result and token."""
    from .polling import wait_until

    created = a.request("notes/save", {"path": path, "text": text})
    a.wait_notification("notes/didUpload", lambda p: p["path"] == path, timeout=30)
    wait_until(lambda: b.request("notes/open", {"path": path})["checksum"] == created["checksum"],
               timeout=20, what="device B sees the note")
    base = b.request("notes/open", {"path": path})
    marker = token()
    saved = b.request("notes/save", {"path": path, "text": base["text"] + f"line b: {marker}\n",
                                     "baseVersion": base["version"], "baseChecksum": base["checksum"]})
    if saved["status"] != "saved":  # a broken precondition, not the failure a test expects
        raise RuntimeError(f"device B's save was {saved['status']}, not saved")
    return saved, marker


def wait_for_index_request(hrana, timeout: float = 10.0) -> None:
    """Waits until the Hrana server has received a pipeline request since its last `reset-stats`
    (it counts a request on arrival, before its injected latency): a save's swap is then on its way."""
    from .polling import wait_until

    wait_until(lambda: hrana.stats()["paths"].get("POST /v2/pipeline"), timeout=timeout, interval=0.01,
               what="a request reached the index server")
