"""The installed Neovim as a person uses it: interactive, full screen, in a real terminal (tmux),
with the plugin (editors/neovim) attached to the built bridge and Neovim's own filetype plugins on.

Neovim in a terminal re-executes its own binary with --embed for its UI process, which a loader
wrapper broke; hover renders Markdown with the tree-sitter parser, which must be on the runtimepath.
"""

from __future__ import annotations

import json
import subprocess
import pytest

from harness.editors import editor_path, isolated_env
from harness.terminal import TerminalSession, tmux_binary
from test_editor_neovim import BOB, PLUGIN

ALPHA = """---
title: Alpha
---

# Alpha

Water boils at sea level; see [[Bob]] for more.
"""

ZANZIBAR = """---
title: Zanzibar Trip
---

Spice farms.
"""

# A user's init.lua: filetype plugins on, the plugin set up, and a status line that shows the bridge's state, so the test reads it off the screen.
INIT = r"""
vim.cmd('filetype plugin indent on')
vim.cmd('syntax on')
vim.opt.rtp:prepend(PLUGIN)
vim.o.laststatus = 2
vim.o.completeopt = 'menuone,noselect'
vim.g.nb_status = 'waiting'
vim.o.statusline = '%f  [%{g:nb_status}]'
local indexed, attached = false, false
local function show()
  if indexed and attached then
    local ok = pcall(vim.treesitter.get_parser, 0, 'markdown')
    vim.g.nb_status = 'ready omnifunc=' .. vim.bo.omnifunc .. ' markdown-parser=' .. tostring(ok)
    vim.cmd.redrawstatus()
  end
end
vim.api.nvim_create_autocmd('LspProgress', { callback = function(event)
  if event.data.params.value.kind == 'end' then indexed = true; show() end
end })
vim.api.nvim_create_autocmd('LspAttach', { callback = function() attached = true; vim.schedule(show) end })
require('notebridge').setup({ root = ROOT, database = DATABASE, cmd = { BINARY, 'serve' }, device = 'terminal',
                             poll_interval = 0.2 })
"""


@pytest.fixture(scope="module")
def nvim():
    try:
        tmux_binary()
        return editor_path("nvim")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"Neovim 0.10 or tmux is not available: {error}")


@pytest.fixture
def terminal_nvim(nvim, tmp_path, notebridge_bin):
    """Starts `nvim -u init.lua alpha.md` in a terminal once called; closes it after the test."""
    root = tmp_path / "notes"
    (root / "people").mkdir(parents=True)
    (root / "alpha.md").write_text(ALPHA)
    (root / "people" / "bob.md").write_text(BOB)
    (root / "people" / "zanzibar.md").write_text(ZANZIBAR)
    # Neovim replaces an omnifunc set by its own runtime's ftplugins (markdown's is htmlcomplete) when
    # a language server attaches, but not one the user's ftplugins set, as this one does.
    user_ftplugin = tmp_path / "home" / ".config" / "nvim" / "after" / "ftplugin" / "markdown.vim"
    user_ftplugin.parent.mkdir(parents=True)
    user_ftplugin.write_text("setlocal omnifunc=htmlcomplete#CompleteTags\n")
    init = tmp_path / "init.lua"
    init.write_text("".join(f"{name} = {json.dumps(str(value))}\n" for name, value in {
        "PLUGIN": PLUGIN, "ROOT": root, "DATABASE": tmp_path / "index.sqlite", "BINARY": notebridge_bin,
    }.items()) + INIT)
    sessions = []

    def start() -> TerminalSession:
        session = TerminalSession.start([str(nvim), "-u", str(init), "-i", "NONE", "alpha.md"], cwd=root,
                                        env=isolated_env(tmp_path / "home"))
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def test_installed_neovim_runs_interactively_and_shows_the_note(terminal_nvim):
    with terminal_nvim() as nvim:
        screen = nvim.wait_for_screen("Water boils at sea level")

        assert "unrecognized option" not in screen
        assert "# Alpha" in screen
        ready = nvim.wait_for_screen("[ready ", timeout=30)
        assert "markdown-parser=true" in ready, ready
        assert not nvim.program_exited()


def test_hover_on_a_link_renders_with_the_markdown_parser(terminal_nvim):
    with terminal_nvim() as nvim:
        nvim.wait_for_screen("[ready ", timeout=30)
        nvim.type("/Bob")
        nvim.press("Enter")
        nvim.type("K")  # Neovim 0.10 maps K to hover in buffers with a language server

        screen = nvim.wait_for_screen("Bob likes zebras")
        assert "no parser" not in screen, screen
        assert "Error" not in screen, screen


def test_omni_completion_after_brackets_offers_notes_despite_the_markdown_ftplugin(terminal_nvim):
    with terminal_nvim() as nvim:
        ready = nvim.wait_for_screen("[ready ", timeout=30)
        assert "omnifunc=v:lua.vim.lsp.omnifunc" in ready, ready

        nvim.press("G", "o")
        nvim.type("Met [[Zan")
        nvim.press("C-x", "C-o")

        screen = nvim.wait_for_screen("Zanzibar Trip")  # only the completion menu has the title
        assert "Pattern not found" not in screen, screen
        nvim.press("C-n", "C-y", "Escape")
        nvim.wait_for_screen("Met [[Zanzibar Trip")
