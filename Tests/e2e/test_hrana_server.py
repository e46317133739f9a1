"""The Hrana test server is faithful: the official libSQL client works against it, and raw
protocol requests get the answers the spec (and sqld) give."""

import base64
import http.client
import json
import sqlite3
import time

import libsql
import pytest

from harness.hrana_server import HranaServerProcess


# ---------------------------------------------------------------------------------------------
# Helpers


def post(server, path, body, token=None, raw=False):
    """POSTs to the server; returns (status, content type, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    token = server.token if token is None else token
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request("POST", path, body if raw else json.dumps(body), headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", ""), data


def pipeline(server, requests, baton=None, version=2):
    status, _, data = post(server, f"/v{version}/pipeline", {"baton": baton, "requests": requests})
    assert status == 200, data
    return json.loads(data)


def value(x):
    if x is None:
        return {"type": "null"}
    if isinstance(x, int):
        return {"type": "integer", "value": str(x)}
    if isinstance(x, float):
        return {"type": "float", "value": x}
    if isinstance(x, str):
        return {"type": "text", "value": x}
    return {"type": "blob", "base64": base64.b64encode(x).decode()}


def execute(sql, *args):
    return {"type": "execute", "stmt": {"sql": sql, "args": [value(a) for a in args]}}


def step(sql, condition=None, *args):
    return {"condition": condition, "stmt": {"sql": sql, "args": [value(a) for a in args]}}


def ok(index):
    return {"type": "ok", "step": index}


def rows_of(result):
    return result["response"]["result"]["rows"]


def query(server, sql):
    """Reads the database file directly, outside the server."""
    connection = sqlite3.connect(server.db_path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def remote(server, token=None):
    # libsql 0.1.11 talks to a server (remote mode) when `database` is an http(s):// or
    # libsql:// URL; a plain path or sync_url= would open a local file / an embedded replica.
    return libsql.connect(database=server.url, auth_token=server.token if token is None else token)


# ---------------------------------------------------------------------------------------------
# The official client


def test_libsql_client_round_trips_values_and_parameters(hrana_server):
    conn = remote(hrana_server)
    conn.execute("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n)")
    # libsql 0.1.11 binds a Python int outside 32 bits as a float (a client quirk), so the
    # 64-bit integer goes in as SQL text and must come back exact.
    conn.execute("INSERT INTO v VALUES (4611686018427387911, ?, ?, ?, ?)",
                 (1.25, "héllo ✓", b"\x00\x01\xfe", None))
    conn.execute("INSERT INTO v VALUES (?, ?, ?, ?, ?)", (-5, -0.5, "", b"", None))
    conn.commit()
    rows = conn.execute("SELECT i, r, t, b, n FROM v ORDER BY i").fetchall()
    assert rows == [(-5, -0.5, "", b"", None),
                    (4611686018427387911, 1.25, "héllo ✓", b"\x00\x01\xfe", None)]
    assert conn.execute("SELECT t FROM v WHERE i = ?", (-5,)).fetchall() == [("",)]
    assert query(hrana_server, "SELECT count(*) FROM v") == [(2,)]


def test_libsql_client_transactions_commit_and_roll_back(hrana_server):
    conn = remote(hrana_server)
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    conn.execute("INSERT INTO t VALUES (1)")
    assert conn.in_transaction
    assert query(hrana_server, "SELECT x FROM t") == []  # not visible before COMMIT
    conn.rollback()
    assert conn.execute("SELECT x FROM t").fetchall() == []
    conn.execute("INSERT INTO t VALUES (2)")
    conn.commit()
    assert remote(hrana_server).execute("SELECT x FROM t").fetchall() == [(2,)]


def test_libsql_client_sees_sql_errors_and_keeps_working(hrana_server):
    conn = remote(hrana_server)
    conn.execute("CREATE TABLE u (k TEXT PRIMARY KEY)")
    conn.execute("INSERT INTO u VALUES ('a')")
    conn.commit()
    with pytest.raises(ValueError, match="no such column"):
        conn.execute("SELECT nope FROM u")
    with pytest.raises(ValueError, match="UNIQUE constraint failed"):
        conn.execute("INSERT INTO u VALUES ('a')")
    conn.rollback()
    assert conn.execute("SELECT k FROM u").fetchall() == [("a",)]


def test_libsql_client_full_text_search(hrana_server):
    conn = remote(hrana_server)
    conn.execute("CREATE VIRTUAL TABLE notes USING fts5(title, body)")
    for title, body in [("Coffee", "brewing coffee with a moka pot"),
                        ("Tea", "green tea and black tea"),
                        ("Moka", "the moka pot makes strong coffee, coffee, coffee")]:
        conn.execute("INSERT INTO notes (title, body) VALUES (?, ?)", (title, body))
    conn.commit()
    hits = conn.execute(
        "SELECT title FROM notes WHERE notes MATCH ? ORDER BY rank", ("coffee",)).fetchall()
    assert [h[0] for h in hits] == ["Moka", "Coffee"]
    snippet = conn.execute("SELECT snippet(notes, 1, '[', ']', '…', 4) FROM notes "
                           "WHERE notes MATCH 'green'").fetchall()
    assert snippet == [("[green] tea and black…",)]


def test_libsql_client_with_wrong_token_is_refused(hrana_server):
    with pytest.raises(ValueError, match="401") as raised:
        remote(hrana_server, token="not-the-token").execute("SELECT 1")
    assert hrana_server.token not in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Raw protocol: endpoints, auth, values


def test_version_checks_answer_2xx(hrana_server):
    for version in ("v2", "v3"):
        connection = http.client.HTTPConnection("127.0.0.1", hrana_server.port, timeout=5)
        connection.request("GET", f"/{version}")
        assert connection.getresponse().status == 200
        connection.close()


def test_auth_is_required_and_the_token_never_echoed(hrana_server):
    body = {"baton": None, "requests": [execute("SELECT 1")]}
    for token in ("", "wrong-" + hrana_server.token):  # "" sends no Authorization header
        status, _, data = post(hrana_server, "/v2/pipeline", body, token=token)
        assert status == 401
        assert hrana_server.token.encode() not in data
    stats = hrana_server.stats()
    assert stats["auth_failures"] == 2 and stats["requests"] == {}  # nothing ran
    assert post(hrana_server, "/v2/pipeline", body)[0] == 200


def test_values_are_encoded_as_the_spec_says(hrana_server):
    result = pipeline(hrana_server, [execute(
        "SELECT ?, ?, ?, ?, ?, ?", 9007199254740993, -1, 0.5, "ü", b"\x00\x01\x02\x03", None)])
    row = rows_of(result["results"][0])[0]
    assert row == [
        {"type": "integer", "value": "9007199254740993"},
        {"type": "integer", "value": "-1"},
        {"type": "float", "value": 0.5},
        {"type": "text", "value": "ü"},
        {"type": "blob", "base64": "AAECAw"},  # no padding, like sqld
        {"type": "null"},
    ]


def test_blobs_are_accepted_with_or_without_padding(hrana_server):
    args = [{"type": "blob", "base64": "AAECAw=="}, {"type": "blob", "base64": "AAECAw"}]
    result = pipeline(hrana_server, [
        {"type": "execute", "stmt": {"sql": "SELECT hex(?), hex(?)", "args": args}}])
    assert [v["value"] for v in rows_of(result["results"][0])[0]] == ["00010203", "00010203"]


def test_an_integer_sent_as_a_json_number_is_refused_like_sqld(hrana_server):
    stmt = {"sql": "SELECT ?", "args": [{"type": "integer", "value": 42}]}
    status, _, data = post(hrana_server, "/v2/pipeline",
                           {"baton": None, "requests": [{"type": "execute", "stmt": stmt}]})
    assert status == 400 and b"string" in data


def test_named_arguments_with_or_without_prefix(hrana_server):
    named = [{"name": ":a", "value": value(1)}, {"name": "b", "value": value("x")}]
    result = pipeline(hrana_server, [
        {"type": "execute", "stmt": {"sql": "SELECT :a, :b", "named_args": named}}])
    assert rows_of(result["results"][0]) == [[value(1), value("x")]]


def test_execute_reports_affected_rows_and_last_insert_rowid_as_string(hrana_server):
    result = pipeline(hrana_server, [
        execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x)"),
        execute("INSERT INTO t (x) VALUES (?), (?)", "a", "b"),
        execute("UPDATE t SET x = 'c'"),
    ])
    insert, update = (r["response"]["result"] for r in result["results"][1:])
    assert (insert["affected_row_count"], insert["last_insert_rowid"]) == (2, "2")
    assert (update["affected_row_count"], update["last_insert_rowid"]) == (2, None)


def test_sql_errors_come_inside_http_200(hrana_server):
    result = pipeline(hrana_server, [
        execute("CREATE TABLE u (k PRIMARY KEY)"),
        execute("INSERT INTO u VALUES (1)"),
        execute("INSERT INTO u VALUES (1)"),
        execute("SELEC 1"),
        execute("SELECT 1; SELECT 2"),
        execute("SELECT ?"),
        execute("SELECT 'still fine'"),
    ])
    kinds = [r["type"] for r in result["results"]]
    assert kinds == ["ok", "ok", "error", "error", "error", "error", "ok"]
    constraint, syntax, many, args = (r["error"] for r in result["results"][2:6])
    assert constraint["code"] == "SQLITE_CONSTRAINT" and "UNIQUE" in constraint["message"]
    assert "syntax error" in syntax["message"]
    assert many["code"] == "SQL_MANY_STATEMENTS"
    assert args["code"] == "ARGS_INVALID"


# ---------------------------------------------------------------------------------------------
# Batches and conditions


def test_batch_conditions_ok_error_not_and_or(hrana_server):
    steps = [
        step("SELECT 1"),                                               # 0 ok
        step("SELECT nope"),                                            # 1 error
        step("SELECT 'ok0'", ok(0)),                                    # 2 runs
        step("SELECT 'ok1'", ok(1)),                                    # 3 skipped
        step("SELECT 'err1'", {"type": "error", "step": 1}),            # 4 runs
        step("SELECT 'not ok1'", {"type": "not", "cond": ok(1)}),       # 5 runs
        step("SELECT 'and'", {"type": "and", "conds": [ok(0), ok(1)]}), # 6 skipped
        step("SELECT 'or'", {"type": "or", "conds": [ok(0), ok(1)]}),   # 7 runs
        step("SELECT 'skipped ok'", ok(3)),                             # 8 skipped (3 skipped)
        step("SELECT 'skipped err'", {"type": "error", "step": 3}),     # 9 skipped
    ]
    result = pipeline(hrana_server, [{"type": "batch", "batch": {"steps": steps}}])
    batch = result["results"][0]["response"]["result"]
    ran = [r is not None for r in batch["step_results"]]
    failed = [e is not None for e in batch["step_errors"]]
    assert ran == [True, False, True, False, True, True, False, True, False, False]
    assert failed == [False, True, False, False, False, False, False, False, False, False]


def transaction_batch(statements):
    """The one-round-trip transaction: BEGIN, each step if the previous is ok, COMMIT, and
    ROLLBACK unless COMMIT succeeded."""
    steps = [step("BEGIN")]
    for sql in statements:
        steps.append(step(sql, ok(len(steps) - 1)))
    commit = len(steps)
    steps.append(step("COMMIT", ok(commit - 1)))
    steps.append(step("ROLLBACK", {"type": "not", "cond": ok(commit)}))
    return {"type": "batch", "batch": {"steps": steps}}


def test_transaction_batch_rolls_back_everything_when_a_step_fails(hrana_server):
    pipeline(hrana_server, [execute("CREATE TABLE t (x UNIQUE)"), {"type": "close"}])
    result = pipeline(hrana_server, [
        transaction_batch(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)",
                           "INSERT INTO t VALUES (2)"]),
        {"type": "close"}])
    batch = result["results"][0]["response"]["result"]
    assert [e is not None for e in batch["step_errors"]] == [False, False, True, False, False, False]
    assert batch["step_results"][3] is None and batch["step_results"][4] is None  # skipped
    assert batch["step_results"][5] is not None  # ROLLBACK ran
    assert result["baton"] is None
    assert query(hrana_server, "SELECT x FROM t") == []


def test_transaction_batch_commits_when_all_steps_succeed(hrana_server):
    pipeline(hrana_server, [execute("CREATE TABLE t (x)")])
    result = pipeline(hrana_server, [
        transaction_batch(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"]),
        {"type": "close"}])
    batch = result["results"][0]["response"]["result"]
    assert batch["step_errors"] == [None] * 5
    assert batch["step_results"][4] is None  # ROLLBACK skipped
    assert query(hrana_server, "SELECT x FROM t ORDER BY x") == [(1,), (2,)]


def test_is_autocommit_and_get_autocommit_are_v3_only(hrana_server):
    steps = [step("BEGIN"), step("SELECT 'in tx'", {"type": "is_autocommit"}),
             step("COMMIT"), step("SELECT 'after'", {"type": "is_autocommit"})]
    result = pipeline(hrana_server, [{"type": "get_autocommit"},
                                     {"type": "batch", "batch": {"steps": steps}},
                                     {"type": "close"}], version=3)
    assert result["results"][0]["response"] == {"type": "get_autocommit", "is_autocommit": True}
    ran = [r is not None for r in result["results"][1]["response"]["result"]["step_results"]]
    assert ran == [True, False, True, True]
    for request in ({"type": "get_autocommit"},
                    {"type": "batch", "batch": {"steps": [step("SELECT 1", {"type": "is_autocommit"})]}}):
        status, _, _ = post(hrana_server, "/v2/pipeline", {"baton": None, "requests": [request]})
        assert status == 400


def test_a_condition_on_a_later_step_is_a_protocol_error_and_nothing_runs(hrana_server):
    pipeline(hrana_server, [execute("CREATE TABLE t (x)")])
    bad = {"type": "batch", "batch": {"steps": [step("INSERT INTO t VALUES (1)"),
                                                 step("SELECT 1", ok(5))]}}
    status, content_type, _ = post(hrana_server, "/v2/pipeline", {"baton": None, "requests": [bad]})
    assert status == 400 and content_type.startswith("text/plain")
    assert query(hrana_server, "SELECT x FROM t") == []


# ---------------------------------------------------------------------------------------------
# Streams and batons


def test_a_baton_continues_the_stream_and_its_transaction(hrana_server):
    first = pipeline(hrana_server, [execute("CREATE TABLE t (x)"), execute("BEGIN"),
                                    execute("INSERT INTO t VALUES (1)")])
    assert first["baton"] and first["base_url"] is None
    other = pipeline(hrana_server, [execute("SELECT count(*) FROM t"), {"type": "close"}])
    assert rows_of(other["results"][0]) == [[value(0)]]  # uncommitted, other stream
    second = pipeline(hrana_server, [execute("SELECT count(*) FROM t"), execute("COMMIT")],
                      baton=first["baton"])
    assert rows_of(second["results"][0]) == [[value(1)]]
    assert second["baton"] and second["baton"] != first["baton"]
    third = pipeline(hrana_server, [{"type": "close"}], baton=second["baton"])
    assert third["baton"] is None
    assert query(hrana_server, "SELECT x FROM t") == [(1,)]


def test_reused_forged_and_closed_batons_are_http_400_text(hrana_server):
    first = pipeline(hrana_server, [execute("SELECT 1")])
    pipeline(hrana_server, [execute("SELECT 2")], baton=first["baton"])
    forged = base64.b64encode(b"\x01" * 48).decode().rstrip("=")
    closed = pipeline(hrana_server, [{"type": "close"}])["baton"]
    assert closed is None
    for baton in (first["baton"], forged, "not base64!"):
        status, content_type, data = post(
            hrana_server, "/v2/pipeline", {"baton": baton, "requests": [execute("SELECT 1")]})
        assert status == 400 and content_type.startswith("text/plain"), data
        assert b"baton" in data


def test_requests_after_close_in_the_same_pipeline_are_a_protocol_error(hrana_server):
    status, _, data = post(hrana_server, "/v2/pipeline", {
        "baton": None, "requests": [{"type": "close"}, execute("SELECT 1")]})
    assert status == 400 and b"closed" in data


def wait_until(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_an_idle_stream_expires_and_its_transaction_is_rolled_back(hrana_server):
    hrana_server.control("stream-expiry", {"seconds": 0.3})
    opened = pipeline(hrana_server, [execute("CREATE TABLE t (x)"), execute("BEGIN"),
                                     execute("INSERT INTO t VALUES (1)")])
    assert wait_until(lambda: hrana_server.stats()["streams_expired"] >= 1)
    status, content_type, data = post(hrana_server, "/v2/pipeline", {
        "baton": opened["baton"], "requests": [execute("COMMIT")]})
    assert status == 400 and content_type == "application/json"
    assert json.loads(data)["code"] == "STREAM_EXPIRED"
    assert query(hrana_server, "SELECT x FROM t") == []


def test_expire_streams_knob_expires_idle_streams_at_once(hrana_server):
    opened = pipeline(hrana_server, [execute("SELECT 1")])
    assert hrana_server.control("expire-streams", {}) == {"expired": 1}
    status, _, _ = post(hrana_server, "/v2/pipeline", {
        "baton": opened["baton"], "requests": [execute("SELECT 1")]})
    assert status == 400


def test_base_url_knob_is_returned_in_responses(hrana_server):
    hrana_server.control("base-url", {"url": hrana_server.url})
    assert pipeline(hrana_server, [{"type": "close"}])["base_url"] == hrana_server.url


# ---------------------------------------------------------------------------------------------
# Other requests and the cursor endpoint


def test_sequence_store_sql_close_sql_and_describe(hrana_server):
    result = pipeline(hrana_server, [
        {"type": "sequence", "sql": "CREATE TABLE s (a TEXT, b); INSERT INTO s VALUES ('x;y', 1);"
                                    " -- trailing comment"},
        {"type": "store_sql", "sql_id": 7, "sql": "SELECT a FROM s WHERE b = ?"},
        {"type": "execute", "stmt": {"sql_id": 7, "args": [value(1)]}},
        {"type": "describe", "sql": "SELECT a, b FROM s WHERE a = :name AND b = ?"},
        {"type": "describe", "sql": "INSERT INTO s VALUES (?, ?)"},
        {"type": "close_sql", "sql_id": 7},
        {"type": "sequence", "sql": "INSERT INTO s VALUES (1, 2); SELECT nope"},
    ])
    kinds = [r["type"] for r in result["results"]]
    assert kinds == ["ok"] * 6 + ["error"]
    assert rows_of(result["results"][2]) == [[value("x;y")]]
    select = result["results"][3]["response"]["result"]
    assert select["params"] == [{"name": ":name"}, {"name": None}]
    assert [c["name"] for c in select["cols"]] == ["a", "b"] and select["is_readonly"]
    insert = result["results"][4]["response"]["result"]
    assert not insert["is_readonly"] and insert["cols"] == []
    assert query(hrana_server, "SELECT count(*) FROM s") == [(2,)]  # describe ran nothing
    status, _, _ = post(hrana_server, "/v2/pipeline", {
        "baton": result["baton"], "requests": [{"type": "execute", "stmt": {"sql_id": 7}}]})
    assert status == 400  # closed SQL text


def test_cursor_endpoint_streams_entries_as_json_lines(hrana_server):
    batch = {"steps": [step("SELECT 1 AS one UNION ALL SELECT 2"), step("SELECT nope"),
                       step("SELECT 'skipped'", ok(1))]}
    status, content_type, data = post(hrana_server, "/v3/cursor", {"baton": None, "batch": batch})
    assert status == 200 and content_type.startswith("text/plain")
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert lines[0]["baton"] and "base_url" in lines[0]
    assert [e["type"] for e in lines[1:]] == ["step_begin", "row", "row", "step_end", "step_error"]
    assert lines[1]["cols"][0]["name"] == "one" and lines[3]["row"] == [value(2)]
    assert lines[5]["step"] == 1


def test_a_body_that_is_not_json_is_http_400(hrana_server):
    status, _, _ = post(hrana_server, "/v2/pipeline", b"{nope", raw=True)
    assert status == 400


def test_a_folder_server_keeps_one_database_per_first_path_segment(tmp_path):
    server = HranaServerProcess(tmp_path, token="t", folder=True)
    try:
        first = post(server, "/alpha/v2/pipeline", {"baton": None, "requests": [
            execute("CREATE TABLE t (x)"), execute("INSERT INTO t VALUES ('alpha')")]})
        post(server, "/beta/v2/pipeline", {"baton": None, "requests": [
            execute("CREATE TABLE t (x)"), execute("INSERT INTO t VALUES ('beta')")]})
        for name in ("alpha", "beta"):
            connection = sqlite3.connect(tmp_path / f"{name}.sqlite")
            assert connection.execute("SELECT x FROM t").fetchall() == [(name,)]
            connection.close()
        baton = json.loads(first[2])["baton"]
        status, _, _ = post(server, "/beta/v2/pipeline",
                            {"baton": baton, "requests": [execute("SELECT 1")]})
        assert status == 400  # a stream belongs to its own database
        assert post(server, "/../v2/pipeline", {"baton": None, "requests": []})[0] == 404
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# Test knobs


def test_http500_garbage_and_drop_faults_do_not_execute(hrana_server):
    pipeline(hrana_server, [execute("CREATE TABLE t (x)")])
    insert = {"baton": None, "requests": [execute("INSERT INTO t VALUES (1)")]}
    hrana_server.control("fault", {"mode": "http500"})
    assert post(hrana_server, "/v2/pipeline", insert)[0] == 500
    hrana_server.control("fault", {"mode": "garbage"})
    status, _, data = post(hrana_server, "/v2/pipeline", insert)
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(data)
    hrana_server.control("fault", {"mode": "drop"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(hrana_server, "/v2/pipeline", insert)
    assert query(hrana_server, "SELECT x FROM t") == []
    assert hrana_server.stats()["faults_injected"] == 3
    assert post(hrana_server, "/v2/pipeline", insert)[0] == 200  # faults used up


def test_truncated_fault_executes_then_cuts_the_response(hrana_server):
    pipeline(hrana_server, [execute("CREATE TABLE t (x)")])
    hrana_server.control("fault", {"mode": "truncated", "count": 2})
    for _ in range(2):
        with pytest.raises(http.client.IncompleteRead):
            post(hrana_server, "/v2/pipeline",
                 {"baton": None, "requests": [execute("INSERT INTO t VALUES (1)")]})
    assert query(hrana_server, "SELECT count(*) FROM t") == [(2,)]


def test_stats_count_paths_and_request_types(hrana_server):
    pipeline(hrana_server, [execute("SELECT 1"), {"type": "close"}])
    pipeline(hrana_server, [{"type": "batch", "batch": {"steps": [step("SELECT 1")]}}], version=3)
    post(hrana_server, "/v3/cursor", {"baton": None, "batch": {"steps": []}})
    stats = hrana_server.stats()
    assert stats["paths"] == {"POST /v2/pipeline": 1, "POST /v3/pipeline": 1, "POST /v3/cursor": 1}
    assert stats["requests"] == {"execute": 1, "close": 1, "batch": 1, "cursor": 1}
    hrana_server.control("reset-stats", {})
    assert hrana_server.stats()["paths"] == {}


def test_latency_knob_delays_every_request(hrana_server):
    hrana_server.control("latency", {"ms": 150})
    started = time.monotonic()
    pipeline(hrana_server, [execute("SELECT 1")])
    assert time.monotonic() - started >= 0.15
    hrana_server.control("latency", {"ms": 0})
    started = time.monotonic()
    pipeline(hrana_server, [execute("SELECT 1")])
    assert time.monotonic() - started < 0.15
