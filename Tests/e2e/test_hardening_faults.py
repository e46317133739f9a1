"""Hardening, faults: the index server failing in every way it can, the local index's disk full,
and the client vanishing mid-request. Each with real processes; each checks that a failed save
says why and changes nothing, that nothing is half-written or left behind, and that the next
save goes through. (Mount faults: test_hardening_mount.py.)
"""
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from harness.lsp import LspClient, ResponseError
from harness.polling import wait_until
from harness.vault import Vault, bridges, note_text, vault  # noqa: F401


def temporaries(folder: Path):
    return sorted(str(p) for p in folder.rglob("*") if ".nb-tmp-" in p.name)


def start_on_hrana(vault, hrana, *extra):
    client = LspClient(["serve", "--root", str(vault.root), "--database", hrana.url, "--device", "faulty",
                        "--poll-interval", "0.3", "--save-timeout", "3", *extra],
                       env=dict(os.environ, TURSO_AUTH_TOKEN=hrana.token))
    client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
    client.wait_indexed()
    return client


def search_paths(client, query):
    return sorted(hit["path"] for hit in client.request("notes/search", {"query": query})["results"])


FAULTS = ["http500", "garbage", "truncated", "drop", "slow", "down"]


@pytest.mark.parametrize("fault", FAULTS)
def test_index_server_faults_fail_the_save_clearly_and_the_next_save_succeeds(vault, hrana_server, fault):
    original = note_text("Ledger", "the original line\n")
    vault.write("ledger.md", original)
    client = start_on_hrana(vault, hrana_server)
    try:
        opened = client.request("notes/open", {"path": "ledger.md"})
        edited = original.replace("original", "edited")
        if fault == "slow":
            hrana_server.control("latency", {"ms": 6000})  # longer than --save-timeout 3
        elif fault == "down":
            os.kill(hrana_server.process.pid, signal.SIGSTOP)
        else:
            hrana_server.control("fault", {"mode": fault, "count": 1000})
        began = time.monotonic()
        try:
            outcome = client.request("notes/save", {"path": "ledger.md", "text": edited,
                                                    "baseVersion": opened["version"]}, timeout=30)
            failure = None
        except ResponseError as error:
            failure = error
        took = time.monotonic() - began
        if fault == "slow":
            hrana_server.control("latency", {"ms": 0})
        elif fault == "down":
            os.kill(hrana_server.process.pid, signal.SIGCONT)
        else:
            hrana_server.control("fault", {"mode": "none"})

        assert failure is not None, f"a save through a {fault} index reported {outcome}"
        print(f"[{fault}] save failed after {took:.2f} s: {failure.message} ({failure.code})")
        assert took < 12, f"the failing save took {took:.1f} s"
        message = failure.message.lower()
        assert any(word in message for word in ("index", "did not finish", "database", "server")), failure.message
        # Nothing half-written: the note holds the old text or, if the index took the swap, the new
        # one, whole; no temporary file stays behind.
        assert vault.read("ledger.md") in (original, edited)
        wait_until(lambda: not temporaries(vault.root), timeout=10, what="temporary files removed")
        assert client.process.poll() is None

        # The editor kept its text and saves again: this must go through.
        def saved_again():
            try:
                return client.request("notes/save", {"path": "ledger.md", "text": edited,
                                                     "baseVersion": opened["version"]}, timeout=30)
            except ResponseError:
                return None
        again = wait_until(saved_again, timeout=30, interval=0.5, what="a later save succeeding")
        assert again["status"] in ("saved", "unchanged"), again
        assert vault.read("ledger.md") == edited
        assert search_paths(client, "edited") == ["ledger.md"]
        assert vault.conflict_copies("ledger.md") == []
        assert not temporaries(vault.root)
    finally:
        try:
            os.kill(hrana_server.process.pid, signal.SIGCONT)
        except (ProcessLookupError, TypeError):
            pass
        client.shutdown()
        client.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs for the local index, mounted for this test (root only)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small filesystem needs root and mount(8)")
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", str(folder)], capture_output=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path):
    """Fills the filesystem holding `folder` to the last byte; returns the filler file."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 1 << 10, 1):
            try:
                while os.write(descriptor, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_under_the_local_index_fails_saves_clearly_and_they_succeed_once_there_is_room(vault, small_disk):
    database = small_disk / "index.db"
    original = note_text("Diary", "day one\n")
    vault.write("diary.md", original)
    client = LspClient(["serve", "--root", str(vault.root), "--database", str(database), "--device", "full",
                        "--poll-interval", "0.3"])
    try:
        client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
        client.wait_indexed()
        opened = client.request("notes/open", {"path": "diary.md"})
        filler = fill(small_disk)
        big = original + "".join(f"- [entry] day {n} was long and full of detail #diary\n" for n in range(20_000))
        with pytest.raises(ResponseError) as failed:
            client.request("notes/save", {"path": "diary.md", "text": big, "baseVersion": opened["version"]})
        assert "full" in failed.value.message.lower() or "disk" in failed.value.message.lower(), failed.value.message
        assert vault.read("diary.md") == original
        assert not temporaries(vault.root)
        assert client.request("notes/search", {"query": "day"})["results"]  # the index still answers

        filler.unlink()
        saved = client.request("notes/save", {"path": "diary.md", "text": big, "baseVersion": opened["version"]})
        assert saved["status"] == "saved"
        assert vault.read("diary.md") == big
        assert search_paths(client, "detail") == ["diary.md"]
        check = subprocess.run(["sqlite3", str(database), "PRAGMA integrity_check"], capture_output=True, text=True) \
            if shutil.which("sqlite3") else None
        assert check is None or check.stdout.strip() == "ok"
    finally:
        client.shutdown()
        client.close()


@pytest.mark.parametrize("moment", ["mid-frame", "after-save-sent", "while-answering"])
def test_a_client_that_vanishes_mid_request_leaves_a_clean_exit_and_no_half_written_note(vault, bridges, moment):
    client = bridges.start()
    text = note_text("Large", "x" * (4 << 20) + "\nthe end\n")
    message = {"jsonrpc": "2.0", "id": 99, "method": "notes/save", "params": {"path": "large.md", "text": text}}
    import json
    body = json.dumps(message).encode()
    frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
    if moment == "mid-frame":
        client.send_raw(frame[: len(frame) // 2])
    elif moment == "after-save-sent":
        client.send_raw(frame)
    else:  # many requests whose answers hit a closed pipe
        for n in range(200):
            client.request_async("notes/search", {"query": f"word{n}"})
        client.send_raw(frame)
    client.process.stdin.close()
    client.process.stdout.close()  # the answers now meet EPIPE
    code = client.process.wait(timeout=30)
    assert code >= 0, f"the server died of signal {-code}"
    assert not temporaries(vault.root)
    path = vault.root / "large.md"
    assert not path.exists() or path.read_text() == text  # all or nothing
    assert not any("Fatal error" in line or "Segmentation" in line for line in client.stderr_lines)
