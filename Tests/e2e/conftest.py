"""Fixtures shared by the end-to-end tests."""

import os
import pathlib
import secrets

import pytest

from harness.hrana_server import HranaServerProcess

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def notebridge_bin():
    """The built notebridge binary: $NOTEBRIDGE_BIN, else .build/debug/notebridge."""
    path = pathlib.Path(os.environ.get("NOTEBRIDGE_BIN") or REPO / ".build/debug/notebridge")
    if not path.is_file():
        pytest.fail(f"notebridge binary not found at {path}: run `swift build` or set NOTEBRIDGE_BIN")
    return path


@pytest.fixture
def hrana_server(tmp_path):
    """A Hrana-over-HTTP test server (our sqld stand-in) over a fresh SQLite file, with a random
    token; `.url`, `.token`, `.db_path`, `.control(knob, body)`, `.stats()`."""
    server = HranaServerProcess(tmp_path / "index.db", token=secrets.token_hex(16),
                                log_path=tmp_path / "hrana_server.log")
    yield server
    server.stop()
