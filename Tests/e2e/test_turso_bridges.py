"""The bridge over the Turso path: notebridge speaking Hrana-over-HTTP to the project's test
server (checked against the official libsql client in test_hrana_server.py).

Round trips are counted by the server: a search, a save and a poll of the change feed are one
HTTP request each. Two bridges sharing the remote index arbitrate concurrent saves and hear of
each other's changes; a wrong token or an unreachable index gives a clear error that never
shows the token, and nothing is written.
"""
import concurrent.futures
import os
import time

import pytest

from harness.lsp import LspClient, ResponseError
from harness.vault import Vault


def bridge(vault, database, device, token, *extra):
    env = dict(os.environ, TURSO_AUTH_TOKEN=token)
    client = LspClient(["serve", "--root", str(vault.root), "--database", database, "--device", device,
                        "--poll-interval", "0.2", *extra], env=env)
    return client


@pytest.fixture
def vault(tmp_path):
    v = Vault(tmp_path)
    v.write("notes/one.md", "---\ntitle: One\n---\nalpha\nbeta\ngamma\n")
    v.write("notes/two.md", "---\ntitle: Two\n---\nlinks to [[One]]\n")
    return v


@pytest.fixture
def pair(vault, hrana_server):
    clients = [bridge(vault, hrana_server.url, name, hrana_server.token) for name in ("laptop", "desktop")]
    for client in clients:
        client.initialize()
        client.wait_indexed()
    yield clients
    for client in clients:
        client.shutdown()
        client.close()


def hrana_requests(server):
    return server.stats()["paths"].get("POST /v2/pipeline", 0)


def test_search_save_and_poll_are_one_round_trip_each(vault, hrana_server):
    # A long poll interval keeps the feed poller out of the search and save counts.
    client = bridge(vault, hrana_server.url, "laptop", hrana_server.token, "--poll-interval", "3600")
    try:
        client.initialize()
        client.wait_indexed()
        opened = client.request("notes/open", {"path": "notes/one.md"})

        hrana_server.control("reset-stats", {})
        assert client.request("notes/search", {"query": "alpha"})["results"]
        assert hrana_requests(hrana_server) == 1

        hrana_server.control("reset-stats", {})
        saved = client.request("notes/save", {"path": "notes/one.md", "text": opened["text"] + "delta\n",
                                              "baseVersion": opened["version"]})
        assert saved["status"] == "saved"
        assert hrana_requests(hrana_server) == 1
    finally:
        client.shutdown()
        client.close()

    poller = bridge(vault, hrana_server.url, "desktop", hrana_server.token, "--poll-interval", "0.5")
    try:
        poller.initialize()
        poller.wait_indexed()
        hrana_server.control("reset-stats", {})
        before = time.monotonic()
        time.sleep(2.2)  # measuring the idle request rate over a known interval, not synchronising
        polls = hrana_requests(hrana_server)
        elapsed = time.monotonic() - before
        assert polls <= elapsed / 0.5 + 1, f"{polls} requests in {elapsed:.1f} s at one poll per 0.5 s"
        assert polls >= 2
    finally:
        poller.shutdown()
        poller.close()


def test_concurrent_saves_through_the_remote_index_lose_nothing(pair, vault):
    laptop, desktop = pair
    for round_number in range(3):
        base = laptop.request("notes/open", {"path": "notes/one.md"})
        texts = {laptop: base["text"].replace("beta", f"beta from laptop {round_number}"),
                 desktop: base["text"].replace("beta", f"beta from desktop {round_number}")}
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = {c: pool.submit(c.request, "notes/save", {"path": "notes/one.md", "text": texts[c],
                                                                  "baseVersion": base["version"]}) for c in pair}
            results = {c: f.result(timeout=30) for c, f in futures.items()}
        assert sorted(r["status"] for r in results.values()) == ["conflict", "saved"]
        winner = next(c for c, r in results.items() if r["status"] == "saved")
        loser = next(c for c, r in results.items() if r["status"] == "conflict")
        assert vault.read("notes/one.md") == texts[winner]
        assert vault.read(results[loser]["conflict"]["copyPath"]) == texts[loser]


def test_disjoint_edits_through_the_remote_index_merge(pair, vault):
    laptop, desktop = pair
    base = laptop.request("notes/open", {"path": "notes/one.md"})
    assert desktop.request("notes/open", {"path": "notes/one.md"})["version"] == base["version"]
    first = laptop.request("notes/save", {"path": "notes/one.md", "text": base["text"].replace("alpha", "ALPHA"),
                                          "baseVersion": base["version"]})
    assert first["status"] == "saved"
    second = desktop.request("notes/save", {"path": "notes/one.md", "text": base["text"].replace("gamma", "GAMMA"),
                                            "baseVersion": base["version"]})
    assert second["status"] == "merged"
    assert vault.read("notes/one.md") == "---\ntitle: One\n---\nALPHA\nbeta\nGAMMA\n"


def test_a_save_reaches_the_other_bridge_through_the_feed(pair):
    laptop, desktop = pair
    base = laptop.request("notes/open", {"path": "notes/two.md"})
    saved = laptop.request("notes/save", {"path": "notes/two.md", "text": base["text"] + "more\n",
                                          "baseVersion": base["version"]})
    heard = desktop.wait_notification("notes/didChange", lambda p: any(
        c["path"] == "notes/two.md" and c["checksum"] == saved["checksum"] for c in p["changes"]), timeout=5)
    assert heard["changes"][0]["origin"] == "laptop"
    assert not laptop.notifications("notes/didChange"), "a bridge must not announce its own save to itself"


def test_a_wrong_token_is_refused_clearly_without_showing_it(vault, hrana_server):
    wrong = "not-the-token-" + "x" * 20
    client = bridge(vault, hrana_server.url, "laptop", wrong)
    try:
        client.initialize()
        shown = client.wait_notification("window/showMessage", timeout=15)
        assert "authentication failed" in shown["message"]
        with pytest.raises(ResponseError) as refused:
            client.request("notes/search", {"query": "alpha"})
        assert "authentication failed" in refused.value.message
        client.shutdown()
        output = "".join(client.stderr_lines) + str(client.notifications("window/showMessage")) \
            + str(client.notifications("window/logMessage")) + refused.value.message
        assert wrong not in output and hrana_server.token not in output
    finally:
        client.close()


def test_an_unreachable_index_fails_fast_and_writes_nothing(pair, vault, hrana_server):
    laptop, _ = pair
    base = laptop.request("notes/open", {"path": "notes/one.md"})
    hrana_server.stop()
    began = time.monotonic()
    with pytest.raises(ResponseError) as search_error:
        laptop.request("notes/search", {"query": "alpha"})
    assert time.monotonic() - began < 10
    assert "127.0.0.1" in search_error.value.message
    with pytest.raises(ResponseError) as save_error:
        laptop.request("notes/save", {"path": "notes/one.md", "text": base["text"] + "lost?\n",
                                      "baseVersion": base["version"]})
    assert "127.0.0.1" in save_error.value.message
    assert vault.read("notes/one.md") == base["text"]  # the arbitration was not skipped
    assert not [p for p in vault.files() if ".nb-tmp-" in p]
