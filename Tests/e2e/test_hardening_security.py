"""Hardening, security: nothing leaves the root, hostile input never kills the server, the
index token never shows, files respect the umask.

Complements test_bridge_notes.py (`..`, absolute paths, %2e%2e, NUL and symlinks are refused
there) with hard links, folders swapped for symlinks after opening, planted conflict-copy
names, non-file URIs, a frame over the size cap, deep JSON, YAML bombs, secrets and modes.
"""
import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from harness.lsp import LspClient, ResponseError, encode
from harness.polling import wait_until
from harness.vault import bridges, note_text, raw_exchange, tree, vault  # noqa: F401


def error_of(client, method, params):
    with pytest.raises(ResponseError) as caught:
        client.request(method, params)
    return caught.value


def alive(client):
    """The server still answers requests."""
    return isinstance(client.request("notes/search", {"query": "anything"}, timeout=10)["results"], list)


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


# -- paths --------------------------------------------------------------------------------------

def test_a_hard_link_to_a_file_outside_the_root_is_never_written_through(vault, bridges):
    outside = vault.base / "outside.md"
    original = note_text("Outside", "the outside original\n")
    outside.write_text(original)
    os.link(outside, vault.root / "linked.md")
    client = bridges.start()
    try:
        opened = client.request("notes/open", {"path": "linked.md"})
        result = client.request("notes/save", {"path": "linked.md", "text": "written through the link\n",
                                               "baseVersion": opened["version"]})
        assert result["status"] == "saved"
        assert vault.read("linked.md") == "written through the link\n"  # the link was replaced, not written into
    except ResponseError as refused:  # refusing hard-linked notes is fine too
        assert refused.code == -32602
    assert outside.read_text() == original
    try:
        client.request("notes/delete", {"path": "linked.md", "force": True})
    except ResponseError:
        pass
    assert outside.read_text() == original


def test_a_folder_swapped_for_a_symlink_after_opening_is_not_followed(vault, bridges):
    vault.write("sub/note.md", note_text("Inside", "inside text\n"))
    target = vault.base / "elsewhere"
    target.mkdir()
    (target / "note.md").write_text("outside text\n")
    client = bridges.start()
    opened = client.request("notes/open", {"path": "sub/note.md"})
    os.rename(vault.root / "sub", vault.base / "sub-moved")
    os.symlink(target, vault.root / "sub")
    before = tree(target)
    for params in ({"path": "sub/note.md", "text": "pwned\n", "baseVersion": opened["version"]},
                   {"path": "sub/note.md", "text": "pwned\n", "force": True},
                   {"path": "sub/new.md", "text": "pwned\n"}):
        error = error_of(client, "notes/save", params)
        assert error.code == -32602 and "outside text" not in error.message
    error_of(client, "notes/delete", {"path": "sub/note.md", "force": True})
    assert tree(target) == before
    assert alive(client)


def conflict_names(stem, device, around):
    """Every conflict-copy name the bridge could pick for `stem` within `around` seconds of now."""
    now = int(time.time())
    return [f"{stem}.conflict-{device}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(now + delta))}.md"
            for delta in range(-2, around)]


def test_conflict_copy_names_already_taken_are_never_overwritten_or_followed(vault, bridges):
    base = note_text("Shared", "line one\nline two\n")
    vault.write("shared.md", base)
    laptop, desktop = bridges.start(device="laptop"), bridges.start(device="desktop")
    version = desktop.request("notes/open", {"path": "shared.md"})["version"]
    laptop.request("notes/save", {"path": "shared.md", "text": base.replace("line two", "laptop's two"),
                                  "baseVersion": version})
    outside = vault.base / "planted-target.md"
    planted = {}
    for index, name in enumerate(conflict_names("shared", "desktop", 15)):
        path = vault.root / name
        if index % 2:
            os.symlink(outside, path)  # a dangling link: writing through it would create `outside`
        else:
            path.write_text(f"planted {index}\n")
            planted[path] = f"planted {index}\n"
    ours = base.replace("line two", "desktop's two")
    result = desktop.request("notes/save", {"path": "shared.md", "text": ours, "baseVersion": version})
    assert result["status"] == "conflict"
    copy = vault.root / result["conflict"]["copyPath"]
    assert copy.read_text() == ours and not copy.is_symlink()
    assert not outside.exists()
    assert {path: path.read_text() for path in planted} == planted


def test_conflicts_from_one_device_in_the_same_second_keep_every_text(vault, bridges):
    base = note_text("Busy", "the contested line\n")
    vault.write("busy.md", base)
    laptop, desktop = bridges.start(device="laptop"), bridges.start(device="desktop")
    version = desktop.request("notes/open", {"path": "busy.md"})["version"]
    laptop.request("notes/save", {"path": "busy.md", "text": base.replace("contested", "laptop's"), "baseVersion": version})
    texts = [base.replace("contested", f"desktop's take {n}") for n in range(6)]
    boxes = [desktop.request_async("notes/save", {"path": "busy.md", "text": text, "baseVersion": version})[1]
             for text in texts]
    results = [desktop.wait_response(box) for box in boxes]
    assert all(r["status"] == "conflict" for r in results)
    copies = {r["conflict"]["copyPath"] for r in results}
    assert len(copies) == len(texts)
    assert sorted((vault.root / c).read_text() for c in copies) == sorted(texts)
    assert vault.read("busy.md") == base.replace("contested", "laptop's")


@pytest.mark.parametrize("uri", [
    "untitled:Untitled-1", "http://example.com/note.md", "file://otherhost/etc/passwd.md", "file:note.md",
    "vscode-notebook-cell:/x.md#cell", "data:text/plain,hello", "file:///%00.md", "",
])
def test_non_file_uris_are_refused_everywhere_and_change_nothing(vault, bridges, uri):
    vault.write("kept.md", note_text("Kept", "untouched\n"))
    client = bridges.start()
    before = vault.files()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                             "text": "opened text\n"}})
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": "changed\n"}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}, "text": "saved\n"})
    for method, params in (("notes/open", {"uri": uri}), ("notes/save", {"uri": uri, "text": "x\n", "force": True}),
                           ("notes/delete", {"uri": uri, "force": True})):
        assert error_of(client, method, params).code == -32602
    for method in ("textDocument/hover", "textDocument/definition", "textDocument/documentSymbol"):
        try:
            client.request(method, {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        except ResponseError as error:
            assert error.code in (-32602, -32603, -32600)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert alive(client)
    assert vault.files() == before


# -- hostile input -----------------------------------------------------------------------------

def test_a_70_mb_frame_over_the_cap_is_refused_without_being_held_in_memory(bridges):
    client = bridges.start()
    size = 70 << 20
    box = __import__("queue").Queue()
    with client._lock:
        client._pending[None] = box
    client.send_raw(b"Content-Length: %d\r\n\r\n" % size)
    chunk = b"[" + b" " * ((1 << 20) - 2) + b"]"
    for _ in range(size // len(chunk)):
        client.send_raw(chunk)
    refused = box.get(timeout=60)
    assert refused["error"]["code"] == -32600 and "exceeds" in refused["error"]["message"]
    assert alive(client)
    peak = peak_rss_mb(client.process.pid)
    print(f"peak RSS after a refused 70 MB frame: {peak:.1f} MB")
    assert peak < 60  # the 70 MB body was skipped, never buffered


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_json_is_answered_and_the_server_keeps_going(bridges, depth):
    client = bridges.start()
    nested = "[" * depth + "]" * depth
    body = ('{"jsonrpc":"2.0","id":"deep","method":"notes/search","params":{"query":"x","extra":%s}}' % nested).encode()
    box = __import__("queue").Queue()
    with client._lock:
        client._pending["deep"] = box
        client._pending[None] = box
    client.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    answer = box.get(timeout=30)
    if depth > 2048:  # deeper than the JSON parser's limit: refused as unparseable
        assert answer["error"]["code"] == -32700
    else:  # an unknown member is ignored, or named as a bad parameter
        assert "result" in answer or answer["error"]["code"] == -32602
    assert alive(client)


BOMBS = {
    "billion-laughs": "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
                      + "".join(f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8))
                      + "title: *i\n",
    "deep-flow": "title: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "deep-block": "".join(" " * n + "k:\n" for n in range(3_000)),
    "huge": "title: big\nfiller: " + "y" * (2 << 20) + "\n",
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_frontmatter_bombs_neither_stall_nor_kill_the_server_and_the_text_is_kept(vault, bridges, bomb):
    client = bridges.start()
    text = "---\n" + BOMBS[bomb] + "---\n# Body\n- [fact] the body is still read\n"
    began = time.monotonic()
    saved = client.request("notes/save", {"path": f"{bomb}.md", "text": text}, timeout=30)
    assert saved["status"] == "saved"
    assert time.monotonic() - began < 10
    assert vault.read(f"{bomb}.md") == text  # never loses text, however odd
    uri = vault.uri(f"{bomb}.md")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, timeout=15)
    assert alive(client)


# -- secrets -----------------------------------------------------------------------------------

class RecordingClient(LspClient):
    """An LspClient that keeps every message the server sent, as text."""

    def __init__(self, args, env=None):
        self.received = []
        super().__init__(args, env=env)

    def _read_message(self):
        message = super()._read_message()
        if message is not None:
            self.received.append(json.dumps(message))
        return message

    def everything_said(self):
        time.sleep(0)  # let the reader threads hand over what they have
        return "\n".join(self.received) + "\n" + "".join(self.stderr_lines)


SECRET = "s3cr3t-TOKEN-that-must-never-show-9d1f"


def run_session(client, vault):
    """Exercises the bridge a little, tolerating failures (a wrong token makes everything fail)."""
    try:
        client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
    except ResponseError:
        return
    for method, params in (("notes/save", {"path": "a.md", "text": "hello\n"}), ("notes/search", {"query": "hello"}),
                           ("notes/open", {"path": "a.md"}), ("notes/open", {"path": "missing.md"})):
        try:
            client.request(method, params, timeout=30)
        except (ResponseError, Exception):
            pass
    client.notify("textDocument/didOpen", {"textDocument": {"uri": vault.uri("a.md"), "languageId": "markdown",
                                                             "version": 1, "text": "hello\n"}})
    try:
        client.wait_notification("textDocument/publishDiagnostics", timeout=5)
    except TimeoutError:
        pass


@pytest.mark.parametrize("how", ["url-wrong", "env-wrong", "url-right-with-faults"])
def test_the_index_token_never_appears_in_messages_errors_or_logs(vault, hrana_server, how):
    url, env = hrana_server.url, dict(os.environ)
    if how == "url-wrong":
        url += f"?authToken={SECRET}"
    elif how == "env-wrong":
        env["TURSO_AUTH_TOKEN"] = SECRET
    else:
        url += f"?authToken={hrana_server.token}"
    client = RecordingClient(["serve", "--root", str(vault.root), "--database", url, "--device", "sec",
                              "--poll-interval", "0.2", "--log-level", "debug"], env=env)
    try:
        if how == "url-right-with-faults":
            client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
            client.wait_indexed()
            for mode in ("http500", "garbage", "truncated", "drop"):
                hrana_server.control("fault", {"mode": mode, "count": 3})
                run_session(client, vault)
        else:
            run_session(client, vault)
        client.shutdown()
    finally:
        client.close()
    said = client.everything_said()
    token = SECRET if how != "url-right-with-faults" else hrana_server.token
    assert said.strip(), "the bridge said nothing at all: the check would prove nothing"
    assert token not in said
    assert token[:12] not in said  # no prefix or truncated form either
    for command in (["index", "--root", str(vault.root), "--database", url],
                    ["search", "hello", "--root", str(vault.root), "--database", url]):
        run = subprocess.run([str(Path(client.process.args[0])), *command], env=env, capture_output=True, timeout=60)
        assert token not in (run.stdout + run.stderr).decode(errors="replace")


# -- modes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_follow_the_umask_and_are_never_world_writable(vault, bridges, umask):
    base = note_text("Modes", "first line\n")
    previous = os.umask(umask)
    try:
        laptop, desktop = bridges.start(device="laptop"), bridges.start(device="desktop")
    finally:
        os.umask(previous)
    created = laptop.request("notes/save", {"path": "new/folder/created.md", "text": base})
    opened = desktop.request("notes/open", {"path": "new/folder/created.md"})
    laptop.request("notes/save", {"path": "new/folder/created.md", "text": base.replace("first", "laptop's"),
                                  "baseVersion": created["version"]})
    conflict = desktop.request("notes/save", {"path": "new/folder/created.md", "text": base.replace("first", "desktop's"),
                                              "baseVersion": opened["version"]})
    assert conflict["status"] == "conflict"
    copy = vault.root / conflict["conflict"]["copyPath"]
    file_mode, folder_mode = 0o666 & ~umask, 0o777 & ~umask
    assert stat.S_IMODE((vault.root / "new/folder/created.md").stat().st_mode) == file_mode
    assert stat.S_IMODE(copy.stat().st_mode) == file_mode
    assert stat.S_IMODE((vault.root / "new").stat().st_mode) == folder_mode
    assert stat.S_IMODE((vault.root / "new/folder").stat().st_mode) == folder_mode
    # Everything the bridges created: notes, folders, conflict copies, the index and its journal.
    for path in [*vault.root.rglob("*"), *vault.database.parent.iterdir()]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode):
            assert not mode & stat.S_IWOTH, f"{path} is world-writable"
            if umask == 0o077:
                assert not mode & 0o077, f"{path} is readable by others under umask 077: {oct(mode)}"
