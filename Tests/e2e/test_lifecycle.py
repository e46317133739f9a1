"""The server's lifecycle and its answers to bad input, against the built binary."""
import json
import os
import time

import pytest

from harness.lsp import LspClient, ResponseError, encode
from harness.vault import bridges, note_text, raw_exchange, vault  # noqa: F401


def error_of(client, method, params=None, timeout=10):
    with pytest.raises(ResponseError) as caught:
        client.request(method, params, timeout=timeout)
    return caught.value


def test_initialize_reports_server_info_and_utf16_by_default(bridges):
    client = bridges.spawn()
    result = client.initialize(root=bridges.vault.root)
    assert result["serverInfo"]["name"] == "notebridge"
    assert result["serverInfo"]["version"]
    assert result["capabilities"]["positionEncoding"] == "utf-16"
    assert result["capabilities"]["textDocumentSync"]["change"] == 2
    assert "notebridge.save" in result["capabilities"]["executeCommandProvider"]["commands"]


@pytest.mark.parametrize("offered, chosen", [(["utf-8", "utf-16"], "utf-8"), (["utf-16", "utf-8"], "utf-8"),
                                             (["utf-32", "utf-16"], "utf-16")])
def test_initialize_honours_offered_position_encodings(bridges, offered, chosen):
    client = bridges.spawn()
    result = client.initialize(root=bridges.vault.root, capabilities={"general": {"positionEncodings": offered}})
    assert result["capabilities"]["positionEncoding"] == chosen


def test_requests_before_initialize_are_refused_with_32002(bridges):
    client = bridges.spawn()
    assert error_of(client, "notes/search", {"query": "x"}).code == -32002
    assert error_of(client, "shutdown").code == -32002
    client.initialize(root=bridges.vault.root)  # still possible afterwards
    client.wait_indexed()
    assert client.request("notes/search", {"query": "x"})["results"] == []


def test_second_initialize_is_refused(bridges):
    client = bridges.start()
    assert error_of(client, "initialize", {"capabilities": {}}).code == -32600


def test_shutdown_then_exit_exits_0(bridges):
    client = bridges.start()
    assert client.request("shutdown") is None
    assert error_of(client, "notes/search", {"query": "x"}).code == -32600  # only exit is accepted now
    client.notify("exit")
    assert client.wait_exit(10) == 0


def test_exit_without_shutdown_exits_1(bridges):
    client = bridges.start()
    client.notify("exit")
    assert client.wait_exit(10) == 1


@pytest.mark.parametrize("shut_down_first, code", [(False, 1), (True, 0)])
def test_stdin_eof_ends_the_server_cleanly(bridges, shut_down_first, code):
    client = bridges.start()
    if shut_down_first:
        client.request("shutdown")
    client.process.stdin.close()
    assert client.process.wait(timeout=10) == code  # not killed by a signal, not hanging


def test_malformed_json_is_answered_32700_and_the_server_keeps_going(bridges):
    client = bridges.start()
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '
    error = raw_exchange(client, b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert error["code"] == -32700
    assert client.request("notes/search", {"query": "anything"}) == {"results": [], "retriedWithOr": False, "incomplete": False}


@pytest.mark.parametrize("message, code", [
    ([{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}], -32600),  # a batch
    ({"method": "shutdown"}, -32600),                               # no "jsonrpc"
    ({"jsonrpc": "2.0", "id": {"x": 1}, "method": "shutdown"}, -32600),  # an id that is no id
    ("just a string", -32600),
])
def test_invalid_requests_are_answered_32600(bridges, message, code):
    client = bridges.start()
    assert raw_exchange(client, encode(message))["code"] == code
    assert client.request("notes/search", {"query": "x"})["results"] == []


def test_unknown_method_is_answered_32601(bridges):
    client = bridges.start()
    error = error_of(client, "notes/frobnicate", {})
    assert error.code == -32601 and "notes/frobnicate" in error.message


@pytest.mark.parametrize("method, params, field", [
    ("notes/search", {"query": 5}, "query"),
    ("notes/search", {}, "query"),
    ("notes/search", {"query": "x", "limit": "ten"}, "limit"),
    ("notes/search", {"query": "x", "limit": 0}, "limit"),
    ("notes/open", {}, "uri"),
    ("notes/save", {"path": "a.md"}, "text"),
    ("notes/save", {"path": "a.md", "text": "x", "baseVersion": -1}, "baseVersion"),
    ("notes/save", {"path": "a.md", "text": "x", "baseVersion": 1.5}, "baseVersion"),
    ("textDocument/codeAction", {"range": {}}, "textDocument"),
    ("workspace/executeCommand", {"command": "notebridge.save", "arguments": []}, "arguments[0]"),
    ("workspace/executeCommand", {"command": "rm -rf"}, "command"),
])
def test_bad_params_are_answered_32602_naming_the_field(bridges, method, params, field):
    client = bridges.start()
    error = error_of(client, method, params)
    assert error.code == -32602
    assert field in error.message


def test_garbage_frames_are_refused_and_the_next_frame_is_answered(bridges):
    client = bridges.start()
    error = raw_exchange(client, b"Content-Length: twelve\r\n\r\nnot json at all")
    assert error["code"] == -32700 and "Content-Length" in error["message"]
    assert client.request("notes/search", {"query": "x"})["results"] == []
    error = raw_exchange(client, b"Sausage\r\n\r\n")
    assert error["code"] == -32700 and "Sausage" in error["message"]
    assert client.request("notes/search", {"query": "x"})["results"] == []
    error = raw_exchange(client, b"Content-Length: 2\r\n\r\n{}")
    assert error["code"] == -32600
    assert client.request("notes/search", {"query": "x"})["results"] == []


def test_oversized_frame_is_refused_without_reading_it_as_a_message(bridges):
    client = bridges.spawn(extra=["--max-message-bytes", "1000"])
    client.initialize(root=bridges.vault.root, capabilities={"window": {"workDoneProgress": True}})
    client.wait_indexed()
    big = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "notes/search", "params": {"query": "x" * 5000}}).encode()
    error = raw_exchange(client, b"Content-Length: %d\r\n\r\n" % len(big) + big)
    assert error["code"] == -32600 and "1000" in error["message"]
    assert client.request("notes/search", {"query": "y"})["results"] == []


class HungNote:
    """A named pipe posing as a note: opening it for reading blocks, like a file on a hung mount."""

    def __init__(self, vault, relative):
        self.path = vault.root / relative
        os.mkfifo(self.path)

    def release(self):
        try:  # a writer lets a blocked open() in the server return
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass  # nobody is blocked on it


def test_cancelling_a_hung_request_answers_32800_while_others_are_answered(bridges):
    client = bridges.start(extra=["--save-timeout", "60"])
    hung = HungNote(bridges.vault, "hung.md")
    try:
        slow_id, slow = client.request_async("notes/open", {"path": "hung.md"})
        started = time.monotonic()
        # The hung request occupies nothing the others need.
        assert client.request("notes/search", {"query": "x"}, timeout=5)["results"] == []
        client.notify("$/cancelRequest", {"id": slow_id})
        with pytest.raises(ResponseError) as caught:
            client.wait_response(slow, timeout=10)
        assert caught.value.code == -32800
        assert time.monotonic() - started < 10  # long before the 60 s save timeout
    finally:
        hung.release()


def test_a_hung_request_times_out_with_an_error_that_says_so(bridges):
    client = bridges.start(extra=["--save-timeout", "1"])
    hung = HungNote(bridges.vault, "hung.md")
    try:
        error = error_of(client, "notes/open", {"path": "hung.md"}, timeout=10)
        assert "did not finish within 1 s" in error.message
    finally:
        hung.release()


def rootless_args(vault):
    return ["serve", "--database", str(vault.database), "--device", "rootless", "--poll-interval", "0.2"]


def test_no_root_is_an_error_telling_how_to_set_one(bridges):
    client = bridges.spawn(args=rootless_args(bridges.vault))
    client.initialize(root=None)
    message = client.wait_notification("window/showMessage")
    assert message["type"] == 1
    assert "--root" in message["message"] and "initializationOptions.root" in message["message"]
    error = error_of(client, "notes/search", {"query": "x"})
    assert "--root" in error.message
    assert not bridges.vault.database.exists()  # nothing was opened, let alone scanned


def test_a_root_sent_later_by_configuration_opens_the_notes_folder(bridges):
    vault = bridges.vault
    vault.write("later.md", note_text("Later", "configured afterwards\n"))
    client = bridges.spawn(args=rootless_args(vault))
    client.initialize(root=None)
    client.wait_notification("window/showMessage")
    client.notify("workspace/didChangeConfiguration", {"settings": {"notebridge": {"root": str(vault.root)}}})
    client.wait_indexed()
    hits = client.request("notes/search", {"query": "configured"})["results"]
    assert [hit["path"] for hit in hits] == ["later.md"]


@pytest.mark.parametrize("how", ["command line", "rootUri", "initializationOptions"])
def test_filesystem_root_is_refused(bridges, how):
    vault = bridges.vault
    args = rootless_args(vault) + (["--root", "/"] if how == "command line" else [])
    client = bridges.spawn(args=args)
    params = {"processId": os.getpid(), "capabilities": {}, "rootUri": "file:///" if how == "rootUri" else None,
              "initializationOptions": {"root": "/"} if how == "initializationOptions" else {}}
    client.request("initialize", params)
    client.notify("initialized", {})
    message = client.wait_notification("window/showMessage")
    assert message["type"] == 1 and "/" in message["message"]
    assert error_of(client, "notes/search", {"query": "x"}).code != 0
    assert not vault.database.exists()


def test_home_directory_as_root_is_refused(vault):
    home = vault.base / "home"
    home.mkdir()
    client = LspClient(rootless_args(vault) + ["--root", str(home)], env={**os.environ, "HOME": str(home)})
    try:
        client.initialize(root=None)
        message = client.wait_notification("window/showMessage")
        assert message["type"] == 1 and "home directory" in message["message"]
        assert not vault.database.exists()
    finally:
        client.shutdown()
        client.close()
