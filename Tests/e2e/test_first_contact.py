"""First contact (issue 17): requests sent while the notes folder opens and is first indexed are
answered, link diagnostics never come from an incomplete index, an index that is down at start-up
is picked up when it answers, and bad settings say what is wrong at start-up."""
import os
import secrets
import socket
import time

import pytest

from harness.hrana_server import HranaServerProcess
from harness.lsp import LspClient, ResponseError
from harness.polling import wait_until
from harness.vault import note_text, vault  # noqa: F401

NOTES = 3000


def write_linked_vault(vault, count=NOTES):
    """`count` notes, note i linking to notes i+1 and i+2 (all exist), so every link resolves."""
    for i in range(count):
        links = f"- links_to [[Note {(i + 1) % count}]]\n- relates_to [[Note {(i + 2) % count}]]\n"
        vault.write(f"notes/{i // 500}/Note {i}.md", note_text(f"Note {i}", f"Body of note {i} about topic{i % 17}.\n\n{links}"))


def open_note(client, vault, relative):
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": vault.uri(relative), "languageId": "markdown", "version": 1, "text": vault.read(relative)}})


def link_position(vault, relative, target):
    lines = vault.read(relative).splitlines()
    line = next(i for i, text in enumerate(lines) if f"[[{target}]]" in text)
    return {"line": line, "character": lines[line].index(f"[[{target}]]") + 3}


def unresolved(client):
    return [d for params in client.notifications("textDocument/publishDiagnostics")
            for d in params["diagnostics"] if d.get("code") == "unresolved-link"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_on(vault, tmp_path, latency_ms):
    """A bridge on `vault`'s local SQLite index, or (with `latency_ms`) on a Hrana server that slow."""
    args, env, server = vault.serve_args("dev-a"), None, None
    if latency_ms is not None:
        server = HranaServerProcess(tmp_path / "hrana.db", token=secrets.token_hex(8), latency_ms=latency_ms)
        args[args.index("--database") + 1] = server.url
        env = {**os.environ, "TURSO_AUTH_TOKEN": server.token}
    return LspClient(args, env=env), server


@pytest.mark.parametrize("latency_ms, count", [(None, NOTES), (50, 600)], ids=["sqlite-3000", "hrana-50ms-600"])
def test_requests_right_after_initialized_on_a_fresh_index_are_answered(tmp_path, vault, latency_ms, count):
    write_linked_vault(vault, count)
    client, server = serve_on(vault, tmp_path, latency_ms)
    try:
        requests_right_after_initialized(client, vault, count)
    finally:
        client.close()
        if server:
            server.stop()


def requests_right_after_initialized(client, vault, count):
    client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
    first = "notes/0/Note 0.md"
    open_note(client, vault, first)
    where = {"textDocument": {"uri": vault.uri(first)}, "position": link_position(vault, first, "Note 1")}
    last, middle = count - 1, count // 2
    # All sent at once, before the folder is open and long before the first index ends.
    pending = {
        "definition": client.request_async("textDocument/definition", where)[1],
        "hover": client.request_async("textDocument/hover", where)[1],
        **{f"search {i}": client.request_async("notes/search", {"query": f"body {i}"})[1] for i in (0, middle, last)},
        "open": client.request_async("notes/open", {"path": f"notes/{last // 500}/Note {last}.md"})[1],
    }
    answers = {name: client.wait_response(box, timeout=60) for name, box in pending.items()}
    definition = answers["definition"]
    assert (definition[0] if isinstance(definition, list) else definition)["uri"] == vault.uri("notes/0/Note 1.md")
    assert "Note 1" in answers["hover"]["contents"]["value"]
    # Wherever the indexer was when they arrived, the searches waited for the whole folder.
    for i in (0, middle, last):
        assert f"notes/{i // 500}/Note {i}.md" in [hit["path"] for hit in answers[f"search {i}"]["results"]]
        assert answers[f"search {i}"]["incomplete"] is False
    assert answers["open"]["text"] == vault.read(f"notes/{last // 500}/Note {last}.md")
    client.wait_indexed(timeout=120)
    assert unresolved(client) == []


@pytest.mark.parametrize("latency_ms", [None, 150], ids=["sqlite", "hrana-150ms"])
def test_no_unresolved_link_diagnostics_from_an_incomplete_first_index(tmp_path, vault, latency_ms):
    write_linked_vault(vault, count=400)
    vault.write("Start.md", note_text("Start", "- links_to [[Note 399]]\n- links_to [[Note 3]]\n- links_to [[Nowhere]]\n"))
    client, server = serve_on(vault, tmp_path, latency_ms)
    try:
        client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
        open_note(client, vault, "Start.md")
        client.wait_indexed(timeout=120)
        # Published once the index is complete: the missing note is flagged, the existing ones never were.
        wait_until(lambda: unresolved(client), timeout=30, what="the diagnostic for [[Nowhere]]")
        assert {d["message"] for d in unresolved(client)} == {"No note is named 'Nowhere'; the code action creates it."}
    finally:
        client.close()
        if server:
            server.stop()


def test_an_index_down_at_start_up_is_used_once_it_answers(tmp_path, vault):
    vault.write("Alpha.md", note_text("Alpha", "findme\n"))
    port, token = free_port(), secrets.token_hex(8)
    args = vault.serve_args("dev-a")
    args[args.index("--database") + 1] = f"http://127.0.0.1:{port}"
    client = LspClient(args, env={**os.environ, "TURSO_AUTH_TOKEN": token})
    server = None
    try:
        client.initialize(root=vault.root, capabilities={"window": {"workDoneProgress": True}})
        warning = client.wait_notification("window/showMessage", timeout=30)
        assert f"127.0.0.1:{port}" in warning["message"] and "retrying" in warning["message"]
        status = client.request("notebridge/status", timeout=30)
        assert status["state"] == "opening" and f"127.0.0.1:{port}" in status["problem"]
        _, search = client.request_async("notes/search", {"query": "findme"})
        time.sleep(2)  # the scenario itself: the index server comes up 2 s later
        server = HranaServerProcess(tmp_path / "hrana.db", token=token, port=port)
        client.wait_notification("window/showMessage", lambda p: "answers now" in p["message"], timeout=20)
        assert [hit["path"] for hit in client.wait_response(search, timeout=30)["results"]] == ["Alpha.md"]
        assert client.request("notebridge/status")["state"] == "open"
    finally:
        client.close()
        if server:
            server.stop()


def start_up_message(vault, database=None, root=None, env=None):
    args = vault.serve_args("dev-a")
    if database:
        args[args.index("--database") + 1] = database
    if root:
        args[args.index("--root") + 1] = root
    client = LspClient(args, env=env)
    try:
        client.initialize(root=root or vault.root)
        return client.wait_notification("window/showMessage", timeout=30)["message"]
    finally:
        client.close()


def test_libsql_url_against_a_plain_http_server_says_so(tmp_path, vault, hrana_server):
    message = start_up_message(vault, database=f"libsql://127.0.0.1:{hrana_server.port}",
                               env={**os.environ, "TURSO_AUTH_TOKEN": hrana_server.token})
    assert "plain HTTP" in message and "?tls=0" in message
    assert hrana_server.token not in message


def test_an_explicit_index_path_in_a_missing_folder_is_an_error_naming_it(tmp_path, vault):
    missing = tmp_path / "no-such-folder"
    message = start_up_message(vault, database=f"file:{missing}/idx.sqlite")
    assert str(missing) in message and "does not exist" in message
    assert not missing.exists()


def test_a_missing_root_is_reported_at_start_up(tmp_path, vault):
    missing = tmp_path / "not-mounted"
    message = start_up_message(vault, root=str(missing))
    assert str(missing) in message


def test_requests_while_the_index_does_not_answer_fail_after_a_bounded_wait_naming_the_host(vault):
    vault.write("Alpha.md", note_text("Alpha", "text\n"))
    port = free_port()
    args = vault.serve_args("dev-a")
    args[args.index("--database") + 1] = f"http://127.0.0.1:{port}"
    client = LspClient(args)
    try:
        client.initialize(root=vault.root)
        started = time.monotonic()
        with pytest.raises(ResponseError) as failed:
            client.request("notes/save", {"path": "Alpha.md", "text": "changed\n"}, timeout=60)
        assert f"127.0.0.1:{port}" in failed.value.message and "retrying" in failed.value.message
        assert time.monotonic() - started < 45  # bounded (the server waits 10 s)
        assert vault.read("Alpha.md") == note_text("Alpha", "text\n")
    finally:
        client.close()
