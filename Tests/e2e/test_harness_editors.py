"""The editor harness works: Neovim runs Lua scripts headless, Helix runs in a pseudo-terminal."""

from __future__ import annotations

import re
import subprocess

import pytest

from harness.editors import ENTER, ESC, HelixSession, editor_path, isolated_env, run_nvim_lua


def test_neovim_runs_a_lua_script_headless_with_arguments(tmp_path):
    script = tmp_path / "version.lua"
    script.write_text(
        'local v = vim.version()\n'
        'io.stdout:write(string.format("nvim %d.%d.%d\\n", v.major, v.minor, v.patch))\n'
        'print(table.concat(_G.arg, ","))\n'
    )

    result = run_nvim_lua(script, "one", "two", env=isolated_env(tmp_path / "home"))

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"nvim 0\.10\.\d+\n", result.stdout), result.stdout
    assert result.stderr == "one,two\n"  # print() goes to stderr in headless -l mode


def test_a_failing_neovim_script_exits_non_zero_with_its_error(tmp_path):
    script = tmp_path / "fail.lua"
    script.write_text('error("the script failed on purpose")\n')

    result = run_nvim_lua(script, env=isolated_env(tmp_path / "home"))

    assert result.returncode != 0
    assert "the script failed on purpose" in result.stderr


def test_a_hanging_neovim_script_is_killed_at_its_deadline(tmp_path):
    script = tmp_path / "hang.lua"
    script.write_text("while true do end\n")

    with pytest.raises(subprocess.TimeoutExpired):
        run_nvim_lua(script, env=isolated_env(tmp_path / "home"), timeout=1.0)


def test_helix_health_check_for_markdown_runs(tmp_path):
    result = subprocess.run(
        [editor_path("hx"), "--health", "markdown"], env=isolated_env(tmp_path / "home"),
        capture_output=True, text=True, timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "Configured language servers" in result.stdout


def test_helix_in_a_pseudo_terminal_edits_saves_and_quits(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("")

    with HelixSession.start(note, cwd=tmp_path, log_file=tmp_path / "hx.log",
                            env=isolated_env(tmp_path / "home")) as hx:
        typed_from = len(hx.screen)
        hx.send("i" + "typed in helix" + ESC + ":write" + ENTER)
        hx.wait_for_screen("written", since=typed_from)  # the status line reports the save
        assert note.read_text().rstrip("\n") == "typed in helix"
        assert "NOR" in hx.screen_text(typed_from)  # ESC was read as Escape: back in normal mode
        assert hx.quit() == 0

    assert not hx.running()
    assert hx.log_file.exists()
