"""Temporary notes folders, index paths and running bridges for the end-to-end tests.

A test asks for `vault` (an empty notes folder with helpers to write notes into it) and
`bridges` (starts `notebridge serve` processes on that folder, initialized and indexed, and
stops every one of them by PID afterwards).
"""
import queue
import uuid
from pathlib import Path

import pytest

from harness.lsp import LspClient


def note_text(title, body="", note_type="note"):
    """A Basic Memory note with frontmatter and a body."""
    return f"---\ntitle: {title}\ntype: {note_type}\n---\n\n# {title}\n\n{body}"


def tree(folder: Path):
    """Every file under `folder` (relative path → bytes), for before/after comparisons."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def raw_exchange(client, data: bytes, timeout=10):
    """Sends raw bytes and returns the next response addressed to id null (the server's answer
    to a frame or message it could not read), as {"code", "message"}."""
    box = queue.Queue()
    with client._lock:  # the client drops responses to ids it did not send; catch the null one here
        client._pending[None] = box
    client.send_raw(data)
    response = box.get(timeout=timeout)
    assert response.get("id") is None, response
    return response["error"]


class Vault:
    """A notes folder under a test's tmp_path, with its index file beside it (not inside)."""

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "notes"
        self.root.mkdir()
        self.database = base / "index" / "notes.db"
        self.database.parent.mkdir()

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative):
        return (self.root / relative).read_text(encoding="utf-8")

    def uri(self, relative):
        return (self.root / relative).as_uri()

    def files(self):
        return tree(self.root)

    def conflict_copies(self, relative):
        """Conflict copies of `relative` ("name.conflict-<device>-<time>.md" beside it)."""
        path = self.root / relative
        return sorted(path.parent.glob(path.stem + ".conflict-*.md"))

    def serve_args(self, device, poll_interval=0.2, extra=()):
        return ["serve", "--root", str(self.root), "--database", str(self.database), "--device", device,
                "--poll-interval", str(poll_interval), *extra]


class Bridges:
    """Starts bridges on one vault; every process started is stopped at teardown."""

    def __init__(self, vault: Vault):
        self.vault = vault
        self.clients = []

    def start(self, device=None, capabilities=None, options=None, extra=(), root_uri=True):
        """A bridge process, initialized (rootUri = the vault) and done with its initial index."""
        client = self.spawn(device=device, extra=extra)
        caps = {"window": {"workDoneProgress": True}, **(capabilities or {})}
        client.initialize(root=self.vault.root if root_uri else None, options=options, capabilities=caps)
        client.wait_indexed()
        return client

    def spawn(self, device=None, extra=(), args=None):
        """A bridge process, not yet initialized."""
        device = device or f"dev-{uuid.uuid4().hex[:6]}"
        client = LspClient(args if args is not None else self.vault.serve_args(device, extra=extra))
        self.clients.append(client)
        return client

    def stop_all(self):
        for client in self.clients:
            if client.process.poll() is None:
                client.shutdown(timeout=5)
            client.close()


@pytest.fixture
def vault(tmp_path):
    return Vault(tmp_path)


@pytest.fixture
def bridges(vault):
    started = Bridges(vault)
    yield started
    started.stop_all()
