#!/usr/bin/env python3
"""A Hrana-over-HTTP test server (the protocol of libSQL's sqld and Turso) over a SQLite file.

It stands in for sqld in tests, where no real server can be installed. Python standard library
only. Run:

    python3 hrana_server.py --db FILE --port 0 --token T [--latency-ms N]
    python3 hrana_server.py --db-dir DIR --port 0 --token T [--exit-with-parent]

It binds 127.0.0.1 and prints the chosen port as the first line of stdout. With --db-dir, many
databases share one server: the first path segment names one (`/NAME/v2/pipeline` uses
DIR/NAME.sqlite, created on first use), as a base URL with a path would. --exit-with-parent makes
it stop when the process that started it is gone (no orphans after a crashed test run).

Protocol (follows tursodatabase/libsql docs/HTTP_V2_SPEC.md and docs/HRANA_3_SPEC.md, and
sqld's observable behaviour):
- GET /v2, GET /v3: version checks (200, no auth needed).
- POST /v2/pipeline, /v3/pipeline: {"baton", "requests"} -> {"baton", "base_url", "results"}
  with execute, batch, sequence, describe, store_sql, close_sql, close, get_autocommit (v3).
- POST /v3/cursor: {"baton", "batch"} -> newline-delimited JSON: the {"baton", "base_url"} line,
  then step_begin/row/step_end/step_error entries.
- A stream is one SQLite connection held here between requests, addressed by a signed baton;
  it expires after 10 s idle. An unknown, forged or reused baton -> HTTP 400 with a text body;
  an expired stream -> HTTP 400 with {"message", "code": "STREAM_EXPIRED"}.
- SQL errors -> {"type":"error","error":{"message","code"}} inside an HTTP 200.
- Values: integers as decimal strings (a JSON number is refused, as sqld does), blobs as base64 written without padding (read with or
  without), floats as JSON numbers.
- Auth: `Authorization: Bearer <token>` on the Hrana endpoints, else HTTP 401 (the token is
  never echoed).

Differences from sqld worth knowing: column `decltype` is always null (Python's sqlite3 does not
expose it); `describe` lists a query's columns through a temporary view and learns other
statements' columns by running them in a savepoint it rolls back; `rows_read` counts returned
rows. Used by the official `libsql` client (0.1.11), which needs describe, get_autocommit and
/v3/cursor, and is proven against it in test_hrana_server.py.

Test knobs, only under /_test/ (no auth):
- POST /_test/latency {"ms": 20}            delay before every Hrana request
- POST /_test/fault {"mode": M, "count": N} the next N Hrana requests fail with mode M:
    http500   not executed, HTTP 500 with a text body
    garbage   not executed, HTTP 200 with a body that is not JSON
    drop      not executed, the connection is closed without any response
    truncated EXECUTED, then the response is cut off mid-body and the connection closed
    none      clears pending faults
- GET  /_test/stats         {"paths": {"POST /v2/pipeline": n}, "requests": {"execute": n}, ...}
- POST /_test/reset-stats
- POST /_test/expire-streams   expires every idle stream now
- POST /_test/stream-expiry {"seconds": 0.5}   idle time after which streams expire
- POST /_test/base-url {"url": "http://…" | null}   base_url returned in responses
"""

import argparse
import base64
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import select
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_STORED_SQL = 50
FAULT_MODES = ("http500", "garbage", "truncated", "drop", "none")


class ProtocolError(Exception):
    """The client broke the protocol: HTTP 400 with a text body; the stream is dropped."""


class StreamExpired(Exception):
    """The baton names a stream that expired while idle."""


class SQLFailure(Exception):
    """A statement failed; reported to the client inside the results, not as an HTTP error."""

    def __init__(self, message, code):
        super().__init__(message)
        self.error = {"message": message, "code": code}


# ---------------------------------------------------------------------------------------------
# Values


def decode_value(value):
    """A Hrana Value (JSON) -> a Python value for sqlite3."""
    if not isinstance(value, dict):
        raise ProtocolError("Value must be a JSON object")
    kind = value.get("type")
    raw = value.get("value")
    if kind == "null":
        return None
    if kind == "integer":
        # Strict like sqld: a JSON number here is a client bug that would lose precision.
        if not (isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw)):
            raise ProtocolError("Integer value must be a decimal integer as a string")
        number = int(raw)
        if not -(2**63) <= number < 2**63:
            raise ProtocolError("Integer value out of 64-bit range")
        return number
    if kind == "float":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return float(raw)
        raise ProtocolError("Float value must be a JSON number")
    if kind == "text":
        if isinstance(raw, str):
            return raw
        raise ProtocolError("Text value must be a string")
    if kind == "blob":
        encoded = value.get("base64")
        if not isinstance(encoded, str):
            raise ProtocolError("Blob value must carry a base64 string")
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except ValueError as error:
            raise ProtocolError(f"Blob value is not valid base64: {error}") from None
    raise ProtocolError("Value type not recognized")


def encode_value(value):
    """A Python value from sqlite3 -> a Hrana Value (JSON), as sqld writes it."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        # JSON has no infinity or NaN; sqld's serializer writes null for them.
        return {"type": "float", "value": value if math.isfinite(value) else None}
    if isinstance(value, str):
        return {"type": "text", "value": value}
    return {"type": "blob", "base64": base64.b64encode(bytes(value)).decode("ascii").rstrip("=")}


# ---------------------------------------------------------------------------------------------
# SQL text helpers

_TRIVIA = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$)|;)*", re.S)
_PARAMETER = re.compile(
    r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|`[^`]*`?|\[[^\]]*\]?|--[^\n]*|/\*.*?(?:\*/|$)"
    r"|(\?[0-9]*|[:@$][A-Za-z0-9_$]+(?:::[A-Za-z0-9_]+)*(?:\([^)]*\))?)",
    re.S,
)


def skip_trivia(sql):
    """The SQL text after leading whitespace, comments and semicolons."""
    return sql[_TRIVIA.match(sql).end():]


def first_keyword(sql):
    match = re.match(r"[A-Za-z]+", skip_trivia(sql))
    return match.group(0).upper() if match else ""


def split_statements(sql):
    """Splits a `sequence` text into statements, keeping semicolons inside strings, comments and
    trigger bodies (sqlite3.complete_statement knows SQLite's lexer)."""
    statements, start = [], 0
    for semicolon in re.finditer(";", sql):
        chunk = sql[start:semicolon.end()]
        if sqlite3.complete_statement(chunk):
            if skip_trivia(chunk):
                statements.append(chunk)
            start = semicolon.end()
    if skip_trivia(sql[start:]):
        statements.append(sql[start:])
    return statements


def parameter_names(sql):
    """Parameter names by SQLite index (1-based, list index 0 = parameter 1); None for `?`."""
    by_index, named = {}, {}
    highest = 0
    for match in _PARAMETER.finditer(sql):
        token = match.group(1)
        if token is None:
            continue
        if token == "?":
            highest += 1
            by_index[highest] = None
        elif token.startswith("?"):
            index = int(token[1:])
            highest = max(highest, index)
            by_index.setdefault(index, token)
        elif token not in named:
            highest += 1
            named[token] = highest
            by_index[highest] = token
    return [by_index.get(index) for index in range(1, highest + 1)]


# ---------------------------------------------------------------------------------------------
# Running statements on one connection

_WRITE_ACTIONS = {
    getattr(sqlite3, name)
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
    or name in ("SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_ALTER_TABLE",
                "SQLITE_REINDEX", "SQLITE_ANALYZE")
}
_NOT_DESCRIBED_BY_RUNNING = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
                             "VACUUM", "ATTACH", "DETACH"}


def sqlite_failure(error):
    """A sqlite3 exception -> the Hrana error sqld would report."""
    code = "_".join((getattr(error, "sqlite_errorname", None) or "SQLITE_ERROR").split("_")[:2])
    if code == "SQLITE_SCHEMA" and "schema" not in str(error):
        # Python reports the schema reload behind the first prepare on a file database.
        code = "SQLITE_ERROR"
    return SQLFailure(f"SQLite error: {error}", code)


def statement_sql(stmt, sqls):
    sql, sql_id = stmt.get("sql"), stmt.get("sql_id")
    if sql is not None and sql_id is not None:
        raise ProtocolError("Either `sql` or `sql_id` are required, but not both")
    if sql_id is not None:
        if sql_id not in sqls:
            raise ProtocolError(f"SQL text {sql_id} not found")
        return sqls[sql_id]
    if not isinstance(sql, str):
        raise ProtocolError("Either `sql` or `sql_id` are required")
    return sql


def statement_parameters(stmt):
    positional = stmt.get("args") or []
    named = stmt.get("named_args") or []
    if not isinstance(positional, list) or not isinstance(named, list):
        raise ProtocolError("`args` and `named_args` must be arrays")
    if positional and named:
        raise SQLFailure("Specifying both positional and named arguments is not supported",
                         "ARGS_BOTH_POSITIONAL_AND_NAMED")
    if named:
        parameters = {}
        for argument in named:
            if not isinstance(argument, dict) or not isinstance(argument.get("name"), str):
                raise ProtocolError("A named argument needs a string `name`")
            # Python's sqlite3 looks names up without their :, @ or $ prefix.
            name = argument["name"].lstrip(":@$")
            parameters[name] = decode_value(argument.get("value"))
        return parameters
    return [decode_value(argument) for argument in positional]


def run_statement(conn, stmt, sqls):
    """Executes one Stmt; returns a StmtResult or raises SQLFailure / ProtocolError."""
    if not isinstance(stmt, dict):
        raise ProtocolError("`stmt` must be an object")
    sql = statement_sql(stmt, sqls)
    parameters = statement_parameters(stmt)
    if not skip_trivia(sql):
        raise SQLFailure("SQL string does not contain any statement", "SQL_NO_STATEMENT")
    started = time.perf_counter()
    try:
        cursor = conn.execute(sql, parameters)
        rows = cursor.fetchall()
    except sqlite3.ProgrammingError as error:
        text = str(error)
        if "one statement at a time" in text:
            raise SQLFailure("SQL string contains more than one statement",
                             "SQL_MANY_STATEMENTS") from None
        if "binding" in text:
            raise SQLFailure(f"Arguments do not match SQL parameters: {text}",
                             "ARGS_INVALID") from None
        raise SQLFailure(f"SQLite error: {text}", "SQLITE_MISUSE") from None
    except sqlite3.Error as error:
        raise sqlite_failure(error) from None
    affected = max(cursor.rowcount, 0)
    last_rowid = None
    if first_keyword(sql) in ("INSERT", "REPLACE"):
        last_rowid = str(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
    want_rows = stmt.get("want_rows")
    return {
        "cols": [{"name": column[0], "decltype": None} for column in cursor.description or []],
        "rows": [[encode_value(v) for v in row] for row in rows] if want_rows is not False else [],
        "affected_row_count": affected,
        "last_insert_rowid": last_rowid,
        "rows_read": len(rows),
        "rows_written": affected,
        "query_duration_ms": (time.perf_counter() - started) * 1000.0,
    }


def check_condition(cond, step, version):
    """Rejects a malformed condition before anything in the batch runs (sqld does the same)."""
    if not isinstance(cond, dict):
        raise ProtocolError("BatchCond must be an object")
    kind = cond.get("type")
    if kind in ("ok", "error"):
        target = cond.get("step")
        if not isinstance(target, int) or isinstance(target, bool) or not 0 <= target < step:
            raise ProtocolError("Invalid reference to step in a batch condition")
    elif kind == "not":
        check_condition(cond.get("cond"), step, version)
    elif kind in ("and", "or"):
        if not isinstance(cond.get("conds"), list):
            raise ProtocolError(f"BatchCond `{kind}` needs `conds`")
        for inner in cond["conds"]:
            check_condition(inner, step, version)
    elif kind == "is_autocommit":
        if version < 3:
            raise ProtocolError("BatchCond of type `is_autocommit` is only supported in "
                                "protocol version 3 and higher")
    else:
        raise ProtocolError("BatchCond type not recognized")


def condition_holds(cond, results, errors, conn):
    kind = cond["type"]
    if kind == "ok":
        return results[cond["step"]] is not None
    if kind == "error":
        return errors[cond["step"]] is not None
    if kind == "not":
        return not condition_holds(cond["cond"], results, errors, conn)
    if kind == "and":
        return all(condition_holds(c, results, errors, conn) for c in cond["conds"])
    if kind == "or":
        return any(condition_holds(c, results, errors, conn) for c in cond["conds"])
    return not conn.in_transaction  # is_autocommit


def run_batch(conn, batch, sqls, version):
    """Runs a Batch; returns (step_results, step_errors) with None for skipped steps."""
    if not isinstance(batch, dict) or not isinstance(batch.get("steps"), list):
        raise ProtocolError("`batch` must be an object with `steps`")
    steps = batch["steps"]
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise ProtocolError("A batch step must be an object")
        if step.get("condition") is not None:
            check_condition(step["condition"], index, version)
    results, errors = [], []
    for step in steps:
        cond = step.get("condition")
        result = error = None
        if cond is None or condition_holds(cond, results, errors, conn):
            try:
                result = run_statement(conn, step.get("stmt"), sqls)
            except SQLFailure as failure:
                error = failure.error
        results.append(result)
        errors.append(error)
    return results, errors


def run_sequence(conn, sql):
    for statement in split_statements(sql):
        try:
            conn.execute(statement).fetchall()
        except sqlite3.Error as error:
            raise sqlite_failure(error) from None


def with_null_parameters(sql):
    """The SQL text with every parameter replaced by the literal NULL."""
    return _PARAMETER.sub(lambda m: "NULL" if m.group(1) else m.group(0), sql)


def result_columns(conn, sql, nulls, keyword):
    """The result column names of a statement, without running it if it is a query (a temporary
    view over it is compiled and listed); any other statement runs with NULL arguments inside a
    savepoint that is rolled back. Runs in a savepoint either way."""
    conn.execute("SAVEPOINT hrana_describe")
    try:
        if keyword in ("SELECT", "VALUES", "WITH"):
            query = split_statements(with_null_parameters(sql))[0].rstrip().rstrip(";")
            try:
                conn.execute(f"CREATE TEMP VIEW hrana_describe_columns AS {query}")
                info = conn.execute("PRAGMA temp.table_info(hrana_describe_columns)").fetchall()
                return [row[1] for row in info]
            except sqlite3.Error:
                pass  # e.g. WITH … INSERT: learn the columns by running it
        if keyword in _NOT_DESCRIBED_BY_RUNNING:
            return []
        try:
            return [c[0] for c in conn.execute(sql, nulls).description or []]
        except sqlite3.Error:
            return []  # valid SQL that fails on NULL arguments: columns unknown
    finally:
        conn.execute("ROLLBACK TO hrana_describe")
        conn.execute("RELEASE hrana_describe")


def describe(conn, sql):
    """A DescribeResult. SQLite compiles the statement under EXPLAIN, which checks it and, through
    an authorizer, tells whether it writes, without running it."""
    if not skip_trivia(sql):
        raise SQLFailure("SQL string does not contain any statement", "SQL_NO_STATEMENT")
    if len(split_statements(sql)) > 1:
        raise SQLFailure("SQL string contains more than one statement", "SQL_MANY_STATEMENTS")
    params = parameter_names(sql)
    nulls = [None] * len(params)
    keyword = first_keyword(sql)
    actions = set()

    def record(action, *_):
        actions.add(action)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(record)
    try:
        conn.execute(sql if keyword == "EXPLAIN" else "EXPLAIN " + sql, nulls).fetchall()
    except sqlite3.Error as error:
        raise sqlite_failure(error) from None
    finally:
        conn.set_authorizer(None)
    return {
        "params": [{"name": name} for name in params],
        "cols": [{"name": name, "decltype": None} for name in
                 result_columns(conn, sql, nulls, keyword)],
        "is_explain": keyword == "EXPLAIN",
        "is_readonly": keyword != "VACUUM" and not (actions & _WRITE_ACTIONS),
    }


# ---------------------------------------------------------------------------------------------
# Streams and batons


class Stream:
    """One client stream: a SQLite connection and its stored SQL texts, used by one request at a
    time."""

    def __init__(self, stream_id, conn, db_path):
        self.id = stream_id
        self.conn = conn
        self.db_path = db_path
        self.sqls = {}
        self.seq = secrets.randbits(64)
        self.last_used = time.monotonic()

    def close(self):
        if self.conn is not None:
            self.conn.close()  # rolls back an open transaction
            self.conn = None


_ACQUIRED = "acquired"
_EXPIRED = "expired"


class ServerState:
    """Streams, knobs and counters shared by all request threads (guarded by one lock)."""

    def __init__(self, token, latency_ms):
        self.prepared_paths = set()
        self.token = token
        self.latency_ms = latency_ms
        self.stream_expiry_s = 10.0
        self.base_url = None
        self.fault_mode = "none"
        self.fault_count = 0
        self.key = secrets.token_bytes(32)
        self.lock = threading.Lock()
        self.handles = {}  # stream id -> Stream (idle) | _ACQUIRED | _EXPIRED
        self.reset_stats()

    # -- counters

    def reset_stats(self):
        self.stats = {"paths": {}, "requests": {}, "auth_failures": 0, "faults_injected": 0,
                      "protocol_errors": 0, "streams_opened": 0, "streams_expired": 0}

    def count(self, group, key):
        with self.lock:
            self.stats[group][key] = self.stats[group].get(key, 0) + 1

    def bump(self, key):
        with self.lock:
            self.stats[key] += 1

    def snapshot(self):
        with self.lock:
            snapshot = json.loads(json.dumps(self.stats))
            snapshot["open_streams"] = sum(1 for h in self.handles.values() if h is not _EXPIRED)
            return snapshot

    # -- faults

    def set_fault(self, mode, count):
        with self.lock:
            self.fault_mode, self.fault_count = mode, (0 if mode == "none" else count)

    def take_fault(self):
        with self.lock:
            if self.fault_count <= 0:
                return None
            self.fault_count -= 1
            self.stats["faults_injected"] += 1
            return self.fault_mode

    # -- batons

    def _baton(self, stream):
        payload = struct.pack(">QQ", stream.id, stream.seq)
        mac = hmac.new(self.key, payload, hashlib.sha256).digest()
        return base64.b64encode(payload + mac).decode("ascii").rstrip("=")

    def _read_baton(self, baton):
        if not isinstance(baton, str):
            raise ProtocolError("Received an invalid baton")
        try:
            data = base64.b64decode(baton + "=" * (-len(baton) % 4), validate=True)
        except ValueError:
            raise ProtocolError("Received an invalid baton") from None
        if len(data) != 48:
            raise ProtocolError("Received an invalid baton")
        payload, mac = data[:16], data[16:]
        if not hmac.compare_digest(mac, hmac.new(self.key, payload, hashlib.sha256).digest()):
            raise ProtocolError("Received an invalid baton")
        return struct.unpack(">QQ", payload)

    # -- stream lifecycle

    def _connect(self, db_path):
        conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=5.0)
        conn.text_factory = lambda data: data.decode("utf-8", "replace")
        with self.lock:
            fresh = db_path not in self.prepared_paths
            self.prepared_paths.add(db_path)
        if fresh:
            conn.execute("PRAGMA journal_mode=WAL")  # like sqld; persists in the file
        return conn

    def acquire(self, baton, db_path):
        """The stream a request runs on: a new one on `db_path` for a null baton, else the one
        the baton names (which must belong to the same database)."""
        if baton is None:
            conn = self._connect(db_path)
            with self.lock:
                stream_id = secrets.randbits(64)
                while stream_id in self.handles:
                    stream_id = secrets.randbits(64)
                self.handles[stream_id] = _ACQUIRED
                self.stats["streams_opened"] += 1
            return Stream(stream_id, conn, db_path)
        stream_id, seq = self._read_baton(baton)
        with self.lock:
            handle = self.handles.get(stream_id)
            if handle is None or (isinstance(handle, Stream) and handle.db_path != db_path):
                raise ProtocolError("Received an invalid baton")
            if handle is _EXPIRED:
                raise StreamExpired()
            if handle is _ACQUIRED or handle.seq != seq:
                raise ProtocolError("Received a baton that has already been used")
            self.handles[stream_id] = _ACQUIRED
        handle.seq = (handle.seq + 1) % 2**64  # the next request must show a new baton
        return handle

    def release(self, stream, keep):
        """Makes the stream available again and returns its next baton, or closes it (None)."""
        if keep and stream.conn is not None:
            stream.last_used = time.monotonic()
            with self.lock:
                self.handles[stream.id] = stream
            return self._baton(stream)
        stream.close()
        with self.lock:
            self.handles.pop(stream.id, None)
        return None

    def expire_idle(self, everything=False):
        """Closes idle streams past their expiry (or all idle streams); returns how many."""
        now = time.monotonic()
        expired = []
        with self.lock:
            for stream_id, handle in self.handles.items():
                if isinstance(handle, Stream) and (
                        everything or now - handle.last_used >= self.stream_expiry_s):
                    expired.append(handle)
            for stream in expired:
                self.handles[stream.id] = _EXPIRED
            self.stats["streams_expired"] += len(expired)
        for stream in expired:
            stream.close()
        return len(expired)


# ---------------------------------------------------------------------------------------------
# Hrana requests


def handle_stream_request(stream, request, version, state):
    """One StreamRequest of a pipeline -> a StreamResult."""
    if not isinstance(request, dict):
        raise ProtocolError("A stream request must be an object")
    kind = request.get("type")
    state.count("requests", str(kind))
    if kind == "close":
        stream.close()
        return {"type": "ok", "response": {"type": "close"}}
    if kind == "close_sql":
        stream.sqls.pop(request.get("sql_id"), None)
        return {"type": "ok", "response": {"type": "close_sql"}}
    if kind == "store_sql":
        sql_id, sql = request.get("sql_id"), request.get("sql")
        if not isinstance(sql_id, int) or not isinstance(sql, str):
            raise ProtocolError("store_sql needs an integer `sql_id` and a string `sql`")
        if sql_id in stream.sqls:
            raise ProtocolError(f"SQL text {sql_id} already exists")
        if len(stream.sqls) >= MAX_STORED_SQL:
            error = {"message": f"The server already stores {len(stream.sqls)} SQL texts, "
                                "it cannot store more", "code": "SQL_STORE_TOO_MANY"}
            return {"type": "error", "error": error}
        stream.sqls[sql_id] = sql
        return {"type": "ok", "response": {"type": "store_sql"}}
    if stream.conn is None:
        raise ProtocolError("Stream for this baton was closed")
    conn = stream.conn
    try:
        if kind == "execute":
            response = {"type": "execute",
                        "result": run_statement(conn, request.get("stmt"), stream.sqls)}
        elif kind == "batch":
            results, errors = run_batch(conn, request.get("batch"), stream.sqls, version)
            response = {"type": "batch",
                        "result": {"step_results": results, "step_errors": errors}}
        elif kind == "sequence":
            run_sequence(conn, statement_sql(request, stream.sqls))
            response = {"type": "sequence"}
        elif kind == "describe":
            response = {"type": "describe",
                        "result": describe(conn, statement_sql(request, stream.sqls))}
        elif kind == "get_autocommit":
            if version < 3:
                raise ProtocolError("The `get_autocommit` request is only supported in "
                                    "protocol version 3 and higher")
            response = {"type": "get_autocommit", "is_autocommit": not conn.in_transaction}
        else:
            raise ProtocolError("StreamRequest type not recognized")
    except SQLFailure as failure:
        return {"type": "error", "error": failure.error}
    return {"type": "ok", "response": response}


def run_pipeline(state, body, version, db_path):
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise ProtocolError("Pipeline body needs `requests`")
    stream = state.acquire(body.get("baton"), db_path)
    finished = False
    try:
        results = [handle_stream_request(stream, r, version, state) for r in body["requests"]]
        finished = True
    finally:
        baton = state.release(stream, keep=finished)
    return {"baton": baton, "base_url": state.base_url, "results": results}


def cursor_entries(results, errors):
    """The CursorEntry sequence equivalent to a BatchResult (skipped steps send nothing)."""
    entries = []
    for step, (result, error) in enumerate(zip(results, errors)):
        if error is not None:
            entries.append({"type": "step_error", "step": step, "error": error})
        elif result is not None:
            entries.append({"type": "step_begin", "step": step, "cols": result["cols"]})
            entries.extend({"type": "row", "row": row} for row in result["rows"])
            entries.append({"type": "step_end",
                            "affected_row_count": result["affected_row_count"],
                            "last_insert_rowid": result["last_insert_rowid"]})
    return entries


def run_cursor(state, body, db_path):
    if not isinstance(body, dict):
        raise ProtocolError("Cursor body must be an object")
    state.count("requests", "cursor")
    stream = state.acquire(body.get("baton"), db_path)
    finished = False
    try:
        if stream.conn is None:
            raise ProtocolError("Stream for this baton was closed")
        results, errors = run_batch(stream.conn, body.get("batch"), stream.sqls, 3)
        finished = True
    finally:
        baton = state.release(stream, keep=finished)
    head = {"baton": baton, "base_url": state.base_url}
    return [head] + cursor_entries(results, errors)


# ---------------------------------------------------------------------------------------------
# HTTP


HRANA_ROUTES = {"/v2/pipeline": (2, "pipeline"), "/v3/pipeline": (3, "pipeline"),
                "/v3/cursor": (3, "cursor")}


class HranaHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like sqld behind a proxy
    # Headers and body go out in two writes; with Nagle on, a kept-alive connection holds the body
    # until the client's delayed ACK (~40 ms per request). sqld does not do that.
    disable_nagle_algorithm = True
    server_version = "hrana-test-server"
    verbose = False

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):
        if self.verbose:
            super().log_message(format, *args)

    # -- responses

    def send_bytes(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status, value):
        self.send_bytes(status, json.dumps(value, allow_nan=False).encode(), "application/json")

    def send_text(self, status, text):
        self.send_bytes(status, text.encode(), "text/plain; charset=utf-8")

    def send_truncated(self, body, content_type):
        """Promises the whole body, sends half of it and hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.hang_up()

    def hang_up(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    # -- routing

    def route(self, path):
        """(version, endpoint, database file) of a Hrana path, or None."""
        database = self.server.db_file
        if self.server.db_dir is not None:
            match = re.fullmatch(r"/([A-Za-z0-9_-][A-Za-z0-9_.-]*)(/.*)", path)
            if match is None:
                return None
            database = os.path.join(self.server.db_dir, match.group(1) + ".sqlite")
            path = match.group(2)
        if path in HRANA_ROUTES:
            return HRANA_ROUTES[path] + (database,)
        return None

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path.rsplit("/", 1)[-1] in ("v2", "v3") and path.startswith("/"):
            self.send_text(200, "Hello, this is a Hrana-over-HTTP test server")
        elif path in ("/", "/health"):
            self.send_text(200, "ok")
        elif path == "/_test/stats":
            self.send_json(200, self.state.snapshot())
        else:
            self.send_text(404, "Not found")

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        body = self.read_body()
        if path.startswith("/_test/"):
            self.control(path, body)
            return
        route = self.route(path)
        if route is None:
            self.send_text(404, "Not found")
            return
        state = self.state
        state.count("paths", f"POST {path}")
        if state.latency_ms > 0:
            time.sleep(state.latency_ms / 1000.0)
        if not self.authorized():
            state.bump("auth_failures")
            self.send_json(401, {"error": "Unauthorized: missing or invalid auth token"})
            return
        fault = state.take_fault()
        if fault == "http500":
            self.send_text(500, "Internal Server Error (injected by the test server)")
            return
        if fault == "garbage":
            self.send_bytes(200, b"<html><body>\x00 not a Hrana response", "text/html")
            return
        if fault == "drop":
            self.hang_up()
            return
        version, endpoint, db_path = route
        if self.verbose:
            sys.stderr.write(f"{path} <- {body.decode('utf-8', 'replace')}\n")
        try:
            request = json.loads(body)
            if endpoint == "pipeline":
                payload = json.dumps(run_pipeline(state, request, version, db_path),
                                     allow_nan=False)
                content_type = "application/json"
            else:
                lines = run_cursor(state, request, db_path)
                payload = "".join(json.dumps(line, allow_nan=False) + "\n" for line in lines)
                content_type = "text/plain"
        except (ProtocolError, ValueError) as error:  # ValueError: body is not JSON
            state.bump("protocol_errors")
            self.send_text(400, str(error) if isinstance(error, ProtocolError)
                           else f"Cannot deserialize client message from JSON: {error}")
            return
        except StreamExpired:
            state.bump("protocol_errors")
            self.send_json(400, {"message": "The stream has expired due to inactivity",
                                 "code": "STREAM_EXPIRED"})
            return
        except Exception as error:  # a bug here must look like a server failure, not a hang
            self.send_text(500, f"Internal error in the test server: {error!r}")
            return
        if fault == "truncated":
            self.send_truncated(payload.encode(), content_type)
        else:
            self.send_bytes(200, payload.encode(), content_type)

    def authorized(self):
        if not self.state.token:
            return True
        expected = f"Bearer {self.state.token}".encode()
        given = self.headers.get("Authorization", "").encode()
        return hmac.compare_digest(given, expected)

    def control(self, path, body):
        state = self.state
        try:
            args = json.loads(body) if body.strip() else {}
            if not isinstance(args, dict):
                raise ValueError("body must be a JSON object")
            if path == "/_test/latency":
                state.latency_ms = max(0, int(args.get("ms", 0)))
                self.send_json(200, {"ms": state.latency_ms})
            elif path == "/_test/fault":
                mode = args.get("mode", "none")
                if mode not in FAULT_MODES:
                    raise ValueError(f"mode must be one of {', '.join(FAULT_MODES)}")
                state.set_fault(mode, int(args.get("count", 1)))
                self.send_json(200, {"mode": mode, "count": state.fault_count})
            elif path == "/_test/stats":
                self.send_json(200, state.snapshot())
            elif path == "/_test/reset-stats":
                with state.lock:
                    state.reset_stats()
                self.send_json(200, {})
            elif path == "/_test/expire-streams":
                self.send_json(200, {"expired": state.expire_idle(everything=True)})
            elif path == "/_test/stream-expiry":
                state.stream_expiry_s = float(args["seconds"])
                self.send_json(200, {"seconds": state.stream_expiry_s})
            elif path == "/_test/base-url":
                url = args.get("url")
                if url is not None and not re.match(r"https?://", str(url)):
                    raise ValueError("url must be null or start with http:// or https://")
                state.base_url = url
                self.send_json(200, {"url": url})
            else:
                self.send_text(404, "Unknown test knob")
        except (ValueError, KeyError, TypeError) as error:
            self.send_text(400, f"Bad test knob request: {error}")


class HranaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, state, db_file=None, db_dir=None):
        super().__init__(("127.0.0.1", port), HranaHandler)
        self.state = state
        self.db_file, self.db_dir = db_file, db_dir

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is normal
            super().handle_error(request, client_address)


def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def expire_streams_forever(state):
    while True:
        time.sleep(0.1)
        state.expire_idle()


class HranaServerProcess:
    """This server run as a child process for a test, on a free port; stopped by its PID."""

    def __init__(self, db_path, token, latency_ms=0, log_path=None, folder=False, port=0):
        """`db_path` is one database file, or with `folder` a folder of named databases; `port`
        0 takes a free one."""
        self.db_path, self.token = str(db_path), token
        command = [sys.executable, __file__, "--db-dir" if folder else "--db", self.db_path,
                   "--port", str(port), "--token", token, "--latency-ms", str(latency_ms),
                   "--exit-with-parent"]
        self._log = open(log_path or os.devnull, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log)
        ready, _, _ = select.select([self.process.stdout], [], [], 10.0)
        line = self.process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"Hrana test server did not start (first line {line!r})")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"

    def control(self, knob, body=None):
        """Calls a /_test/ knob; returns its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_test/{knob}", data=data,
                                         method="GET" if body is None else "POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stats(self):
        return self.control("stats")

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process.stdout.close()
        self._log.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Hrana-over-HTTP test server over SQLite")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="SQLite database file")
    where.add_argument("--db-dir", help="folder of databases, named by the first path segment")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any)")
    parser.add_argument("--token", default="", help="required bearer token (empty = no auth)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay per Hrana request")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the starting process is gone")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    options = parser.parse_args(argv)

    try:
        if options.db:
            sqlite3.connect(options.db).close()
        elif not os.path.isdir(options.db_dir):
            raise sqlite3.OperationalError("not a folder")
    except sqlite3.Error as error:
        print(f"cannot open database {options.db or options.db_dir}: {error}", file=sys.stderr)
        return 2

    # A launcher may leave SIGTERM ignored or blocked (both survive exec); stopping by PID must work.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    state = ServerState(options.token, options.latency_ms)
    HranaHandler.verbose = options.verbose
    server = HranaHTTPServer(options.port, state, db_file=options.db, db_dir=options.db_dir)
    threading.Thread(target=expire_streams_forever, args=(state,), daemon=True).start()
    if options.exit_with_parent:
        threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
