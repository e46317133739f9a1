"""Helix 25.01 with editors/helix/languages.toml, in a pseudo-terminal, against the built bridge.

Helix writes files itself; the bridge hears of each write through didSave and records it in the
index, and when that write replaced a version saved elsewhere it keeps theirs as a conflict copy.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

from harness.editors import ENTER, ESC, HelixSession, editor_path, isolated_env
from harness.lsp import LspClient
from harness.polling import wait_until

SNIPPET = Path(__file__).resolve().parents[2] / "editors" / "helix" / "languages.toml"

BROKEN = """---
title: [unclosed
---

Notes about emus.
"""

ALPHA = """---
title: Alpha
---

# Alpha

first line
second line
"""


@pytest.fixture(scope="module")
def hx():
    try:
        return editor_path("hx")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"Helix 25.01 could not be installed by scripts/install-editors.sh: {error}")


@pytest.fixture
def vault(tmp_path, notebridge_bin):
    """A notes root, and a home whose Helix config is the project's snippet pointed at it."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "broken.md").write_text(BROKEN)
    (root / "alpha.md").write_text(ALPHA)
    database = tmp_path / "index.sqlite"
    home = tmp_path / "home"
    config = home / ".config" / "helix"
    config.mkdir(parents=True)
    snippet = SNIPPET.read_text()
    lines = {
        'command = "notebridge"': f"command = {json.dumps(str(notebridge_bin))}",
        'args = ["serve", "--root", "/home/you/notes"]':
            "args = " + json.dumps(["serve", "--root", str(root), "--database", str(database), "--device", "helix",
                                    "--poll-interval", "0.2"]),
    }
    for line, replacement in lines.items():
        assert line in snippet, f"the snippet no longer has {line!r}"
        snippet = snippet.replace(line, replacement)
    (config / "languages.toml").write_text(snippet)
    return root, database, home


def start_helix(tmp_path, vault, note: str, extra_env: dict[str, str] | None = None) -> HelixSession:
    root, _, home = vault
    session = HelixSession.start(root / note, cwd=root, log_file=tmp_path / "hx.log", env=isolated_env(home, extra_env))
    try:
        # The bridge has the document open and has indexed the root.
        session.wait_for_log('"kind":"end"', timeout=20)
        session.wait_for_log('"method":"textDocument/publishDiagnostics"', timeout=20)
    except BaseException:
        session.close()
        raise
    return session


def indexed_paths(notebridge_bin, vault, query: str) -> list[str]:
    root, database, _ = vault
    result = subprocess.run([str(notebridge_bin), "search", query, "--root", str(root), "--database", str(database),
                             "--json"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [hit["path"] for hit in json.loads(result.stdout)["results"]]


def laptop_saves(vault, path: str, text: str) -> dict:
    """Another bridge (device "laptop") saves `text` over the note's current version; returns
    what it opened (the version replaced)."""
    root, database, _ = vault
    other = LspClient(["serve", "--root", str(root), "--database", str(database), "--device", "laptop"])
    try:
        other.initialize(root)
        other.wait_indexed()
        base = other.request("notes/open", {"path": path})
        assert other.request("notes/save", {"path": path, "text": text, "baseVersion": base["version"]})["status"] == "saved"
        return base
    finally:
        other.shutdown()
        other.close()


def test_snippet_is_valid_toml_with_the_server_and_the_markdown_language():
    config = tomllib.loads(SNIPPET.read_text())
    server = config["language-server"]["notebridge"]
    assert server["command"] == "notebridge" and server["args"][0] == "serve"
    markdown = next(language for language in config["language"] if language["name"] == "markdown")
    assert "notebridge" in markdown["language-servers"] and markdown["roots"]


def test_helix_shows_the_bridges_diagnostics(hx, tmp_path, vault):
    with start_helix(tmp_path, vault, "broken.md") as session:
        log = session.wait_for_log('"code":"parse"')
        assert "Malformed frontmatter" in log
        # On the diagnostic's line Helix shows its message inline.
        mark = len(session.screen)
        session.send("]d")
        session.wait_for_screen("Malformed frontmatter", since=mark)
        assert session.quit() == 0


def test_helix_write_is_recorded_in_the_index_through_did_save(hx, tmp_path, vault, notebridge_bin):
    with start_helix(tmp_path, vault, "broken.md") as session:
        mark = len(session.screen)
        session.send("ggo" + "Platypus sightings." + ESC + ":write" + ENTER)
        session.wait_for_screen("written", since=mark)
        session.wait_for_log('"method":"textDocument/didSave"')
        wait_until(lambda: indexed_paths(notebridge_bin, vault, "platypus") == ["broken.md"], timeout=15,
                   what="the index recording Helix's write")
        assert session.quit() == 0
    assert "Platypus sightings." in (vault[0] / "broken.md").read_text()


def test_helix_clean_buffer_then_reload_and_write_is_neither_dirty_nor_an_overwrite(hx, tmp_path, vault, notebridge_bin):
    root, _, _ = vault
    theirs = ALPHA.replace("second line\n", "second line, from the laptop\n")
    with start_helix(tmp_path, vault, "alpha.md") as session:
        laptop_saves(vault, "alpha.md", theirs)
        # A clean buffer is told the note changed elsewhere, not that unsaved edits will conflict.
        session.wait_for_log('"code":"changed-elsewhere"')
        assert '"code":"changed-elsewhere-dirty"' not in session.log_text()

        mark = len(session.screen)
        session.send(":reload" + ENTER)
        session.wait_for_log('"text":", from the laptop"')  # the reload's change reached the bridge
        # The reloaded buffer is the laptop's version: its notice goes, and a write replaces nothing.
        wait_until(lambda: session.log_text().rfind('"diagnostics":[]') > session.log_text().rfind('"changed-elsewhere"'),
                   timeout=10, what="the changed-elsewhere diagnostic cleared after the reload")
        mark = len(session.screen)
        session.send(":write" + ENTER)
        session.wait_for_screen("written", since=mark)
        session.wait_for_log('"method":"textDocument/didSave"')
        assert session.quit() == 0
    log = session.log_text()
    assert '"code":"overwrote-newer"' not in log and '"code":"changed-elsewhere-dirty"' not in log
    assert (root / "alpha.md").read_text() == theirs
    assert not list(root.glob("alpha.conflict-*.md"))


def test_helix_write_over_a_newer_version_keeps_theirs_as_a_conflict_copy(hx, tmp_path, vault, notebridge_bin):
    root = vault[0]
    with start_helix(tmp_path, vault, "alpha.md") as session:
        session.send("ggjjjjjjA" + ", edited in Helix!" + ESC)
        session.wait_for_log('"text":"!"')  # Helix sends a change per key: the last one reached the bridge

        theirs = ALPHA.replace("second line\n", "second line, from the laptop\n")
        laptop_saves(vault, "alpha.md", theirs)
        session.wait_for_log('"code":"changed-elsewhere-dirty"')

        # Helix sees the file changed under it and wants :write! to overwrite it.
        mark = len(session.screen)
        session.send(":write" + ENTER)
        session.wait_for_screen("external process", since=mark)
        mark = len(session.screen)
        session.send(":write!" + ENTER)
        session.wait_for_screen("written", since=mark)
        log = session.wait_for_log('"code":"overwrote-newer"')
        notice = next(line for line in log.splitlines() if '"code":"overwrote-newer"' in line)
        assert "saved by laptop" in notice and "alpha.conflict-" in notice
        assert session.quit() == 0

    ours = ALPHA.replace("first line\n", "first line, edited in Helix!\n")
    assert (root / "alpha.md").read_text() == ours
    copies = sorted(root.glob("alpha.conflict-*.md"))
    assert [copy.read_text() for copy in copies] == [theirs]
    assert indexed_paths(notebridge_bin, vault, "edited Helix") == ["alpha.md"]


def test_helix_hover_and_goto_definition_right_after_start_are_answered(hx, tmp_path, vault):
    root = vault[0]
    for i in range(300):  # enough notes that the first index is still running when they arrive
        (root / f"filler {i}.md").write_text(f"---\ntitle: Filler {i}\n---\n\nSee [[Filler {(i + 1) % 300}]].\n")
    (root / "people").mkdir()
    (root / "people" / "bob.md").write_text("---\ntitle: Bob\n---\n\nBob keeps quokkas.\n")
    (root / "links.md").write_text("---\ntitle: Links\n---\n\nSee [[Bob]] here.\n")
    _, _, home = vault
    with HelixSession.start(f"{root / 'links.md'}:5:8", cwd=root, log_file=tmp_path / "hx.log", env=isolated_env(home)) as session:
        session.wait_for_log('"method":"initialized"', timeout=20)
        mark = len(session.screen)
        session.send(" k")  # hover on [[Bob]]: the note's text in a popup
        session.wait_for_screen("quokkas", since=mark, timeout=30)
        session.send(ESC)
        mark = len(session.screen)
        session.send("gd")
        session.wait_for_screen("people/bob.md", since=mark, timeout=30)
        log = session.log_text()
        assert "ServerError" not in log and "-32803" not in log
        assert '"kind":"end"' not in log.split('"method":"textDocument/hover"')[0]  # asked before the index ended
        assert session.quit() == 0
def test_helix_history_code_action_puts_an_old_version_in_the_buffer_and_write_restores_it(hx, tmp_path, vault,
                                                                                           notebridge_bin):
    root = vault[0]
    opened = laptop_saves(vault, "alpha.md", ALPHA.replace("first line", "first line, rewritten elsewhere"))

    with start_helix(tmp_path, vault, "alpha.md") as session:
        mark = len(session.screen)
        session.send(" a")
        session.wait_for_screen(f"History: show version {opened['version']}", since=mark)
        session.send(ENTER)  # the only action: the older version
        session.wait_for_log('"method":"workspace/applyEdit"')
        mark = len(session.screen)
        session.send(ESC + ":write" + ENTER)
        session.wait_for_screen("written", since=mark)
        wait_until(lambda: indexed_paths(notebridge_bin, vault, "rewritten") == [], timeout=15,
                   what="the index recording the restored text")
        assert session.quit() == 0
    assert (root / "alpha.md").read_text() == ALPHA
