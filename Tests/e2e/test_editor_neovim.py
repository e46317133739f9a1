"""The Neovim plugin (editors/neovim) in a real Neovim 0.10, headless, against the built bridge.

Each test runs one Lua scenario with `nvim --headless -u NONE -l`: the plugin on the runtimepath,
`setup{}` pointing at a temporary root and index. The scenario reports what it saw as JSON on
stdout. Changes "from elsewhere" are made by a second bridge process (another device) that this
test drives while Neovim waits for a signal file.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest

from harness.editors import editor_path, isolated_env, run_nvim_lua
from harness.fixtures import bucket, mount_a, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.lsp import LspClient
from harness.polling import wait_until

PLUGIN = Path(__file__).resolve().parents[2] / "editors" / "neovim"

ALPHA = """---
title: Alpha
type: note
---

# Alpha

line one
line two
- [idea] zebra stripes #animals
"""

BOB = """---
title: Bob
permalink: people/bob
---

Bob likes zebras.
"""

# Loaded before every scenario. Arguments: root, index file, notebridge binary, signal folder and
# the rclone remote-control URL ('' for none).
PRELUDE = r"""
local root, database, binary, signals = _G.arg[1], _G.arg[2], _G.arg[3], _G.arg[4]
local rclone_rc = _G.arg[5] ~= '' and _G.arg[5] or nil
vim.opt.rtp:prepend(PLUGIN)
messages = {}
vim.notify = function(message, level) table.insert(messages, { message = message, level = level }) end
published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  published[vim.uri_to_fname(result.uri)] = true
  return publish(err, result, ctx, config)
end
indexed = false  -- the bridge's first index of the root is done (the end of its $/progress)
vim.api.nvim_create_autocmd('LspProgress', { callback = function(event)
  if event.data.params.value.kind == 'end' then indexed = true end
end })
require('notebridge').setup({ root = root, database = database, cmd = { binary, 'serve' }, device = 'nvim',
                             poll_interval = 0.2, rclone_rc = rclone_rc })

function wait(what, condition)
  if not vim.wait(20000, condition, 20) then
    error('timed out waiting for ' .. what .. '; messages: ' .. vim.inspect(messages))
  end
end

function signal(name)
  local file = assert(io.open(signals .. '/' .. name, 'w'))
  file:close()
end

function wait_signal(name)
  wait('signal ' .. name, function() return vim.uv.fs_stat(signals .. '/' .. name) ~= nil end)
end

-- Opens a note and returns its buffer once the bridge has it open (its first diagnostics) and
-- has indexed the root.
function open(path)
  vim.cmd.edit(root .. '/' .. path)
  local bufnr = vim.api.nvim_get_current_buf()
  wait('the bridge to open ' .. path, function() return published[root .. '/' .. path] and indexed end)
  return bufnr
end

function said(pattern)
  for _, entry in ipairs(messages) do
    if entry.message:find(pattern) then return entry end
  end
  return nil
end

function text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), '\n') .. '\n'
end

function codes(bufnr)
  return vim.tbl_map(function(d) return d.code end, vim.diagnostic.get(bufnr))
end

function report(value)
  io.stdout:write(vim.json.encode(value))
end
"""


@pytest.fixture(scope="module")
def nvim():
    try:
        return editor_path("nvim")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"Neovim 0.10 could not be installed by scripts/install-editors.sh: {error}")


@pytest.fixture
def vault(tmp_path):
    root = tmp_path / "notes"
    (root / "people").mkdir(parents=True)
    (root / "alpha.md").write_text(ALPHA)
    (root / "people" / "bob.md").write_text(BOB)
    signals = tmp_path / "signals"
    signals.mkdir()
    return root, tmp_path / "index.sqlite", signals


def run_scenario(tmp_path, vault, notebridge_bin, body: str, timeout: float = 60, mount=None) -> dict:
    root, database, signals = vault
    script = tmp_path / "scenario.lua"
    script.write_text(f"PLUGIN = {json.dumps(str(PLUGIN))}\n" + PRELUDE + body)
    credentials = {"RCLONE_RC_USER": mount.rc_user, "RCLONE_RC_PASS": mount.rc_pass} if mount else {}
    result = run_nvim_lua(script, str(root), str(database), str(notebridge_bin), str(signals),
                          mount.rc_url if mount else "", env=isolated_env(tmp_path / "home", credentials),
                          timeout=timeout)
    assert result.returncode == 0, f"nvim failed:\n{result.stderr}\n{result.stdout}"
    return json.loads(result.stdout)


class BackgroundScenario:
    """A scenario running on a thread while the test plays the other device."""

    def __init__(self, tmp_path, vault, notebridge_bin, body: str):
        self.vault = vault
        self._outcome: dict = {}
        self._thread = threading.Thread(target=self._run, args=(tmp_path, vault, notebridge_bin, body), daemon=True)
        self._thread.start()

    def _run(self, *args):
        try:
            self._outcome["report"] = run_scenario(*args)
        except BaseException as error:  # re-raised on the test's thread by join()
            self._outcome["error"] = error

    def wait_signal(self, name: str) -> None:
        """Waits for the scenario's signal file; a scenario that failed before it raises its error."""
        signal = self.vault[2] / name
        wait_until(lambda: signal.exists() or not self._thread.is_alive(), timeout=30, what=f"Neovim signalling {name}")
        if not signal.exists():
            self.join()

    def signal(self, name: str) -> None:
        (self.vault[2] / name).touch()

    def join(self) -> dict:
        self._thread.join(timeout=90)
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["report"]


def other_device_saves(vault, path: str, edit) -> dict:
    """A second bridge (device "laptop") opens the note, applies `edit` to its text and saves."""
    root, database, _ = vault
    client = LspClient(["serve", "--root", str(root), "--database", str(database), "--device", "laptop"])
    try:
        client.initialize(root)
        note = wait_until(lambda: _try_open(client, path), timeout=20, what="the second bridge opening the note")
        return client.request("notes/save", {"path": path, "text": edit(note["text"]), "baseVersion": note["version"]})
    finally:
        client.shutdown()
        client.close()


def _try_open(client, path):
    try:
        return client.request("notes/open", {"path": path})
    except Exception:  # still opening the index
        return None


def search_index(notebridge_bin, vault, query: str) -> list[str]:
    root, database, _ = vault
    result = subprocess.run([str(notebridge_bin), "search", query, "--root", str(root), "--database", str(database),
                             "--json"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return [hit["path"] for hit in json.loads(result.stdout)["results"]]


def test_write_goes_through_the_bridge_and_into_the_index(nvim, tmp_path, vault, notebridge_bin):
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_buf_set_lines(bufnr, 7, 8, false, { 'line one, now about quokkas' })
vim.cmd.write()
report({ modified = vim.bo[bufnr].modified, state = vim.b[bufnr].notebridge, messages = messages })
""")

    assert report["modified"] is False
    assert report["state"]["version"] >= 1
    assert any('"alpha.md"' in m["message"] and "written" in m["message"] for m in report["messages"]), report
    assert (vault[0] / "alpha.md").read_text() == ALPHA.replace("line one\n", "line one, now about quokkas\n")
    assert search_index(notebridge_bin, vault, "quokkas") == ["alpha.md"]


def test_write_of_a_new_file_under_the_root_creates_the_note(nvim, tmp_path, vault, notebridge_bin):
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
vim.cmd.edit(root .. '/ideas/fresh.md')
local bufnr = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '# Fresh', '', 'wombats everywhere' })
vim.cmd.write()
report({ modified = vim.bo[bufnr].modified, messages = messages })
""")

    assert report["modified"] is False, report
    assert (vault[0] / "ideas" / "fresh.md").read_text() == "# Fresh\n\nwombats everywhere\n"
    assert search_index(notebridge_bin, vault, "wombats") == ["ideas/fresh.md"]


def test_clean_buffer_reloads_when_another_device_saves(nvim, tmp_path, vault, notebridge_bin):
    scenario = BackgroundScenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_win_set_cursor(0, { 9, 3 })
signal('ready')
wait('the reload', function() return text(bufnr):find('from the laptop', 1, true) ~= nil end)
wait('no stale "changed elsewhere" diagnostic', function() return #codes(bufnr) == 0 end)
report({ text = text(bufnr), modified = vim.bo[bufnr].modified, cursor = vim.api.nvim_win_get_cursor(0),
         state = vim.b[bufnr].notebridge, messages = messages })
""")
    scenario.wait_signal("ready")
    saved = other_device_saves(vault, "alpha.md", lambda text: text.replace("line one\n", "line one from the laptop\n"))
    assert saved["status"] == "saved"

    report = scenario.join()
    assert report["text"] == ALPHA.replace("line one\n", "line one from the laptop\n")
    assert report["modified"] is False
    assert report["cursor"] == [9, 3]  # the reload changed line 8 only: the cursor stays put
    assert report["state"]["version"] == saved["version"]
    assert any("reloaded" in m["message"] and "laptop" in m["message"] for m in report["messages"]), report


def test_concurrent_change_to_the_same_lines_is_a_conflict_resolved_by_a_code_action(nvim, tmp_path, vault,
                                                                                     notebridge_bin):
    scenario = BackgroundScenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_buf_set_lines(bufnr, 7, 8, false, { 'line one, as Neovim has it' })
signal('edited')
wait_signal('saved-elsewhere')
wait('the warning about the change', function() return said('changed on laptop') end)
vim.cmd.write()
wait('the conflict diagnostics', function() return vim.tbl_contains(codes(bufnr), 'conflict') end)
local after_write = { modified = vim.bo[bufnr].modified, codes = codes(bufnr), state = vim.b[bufnr].notebridge,
                      error = said('NOT written') }
-- :NotebridgeResolve offers the bridge's code actions through vim.ui.select; take theirs.
local offered
vim.ui.select = function(items, opts, choose)
  offered = vim.tbl_map(function(item) return opts.format_item(item) end, items)
  for _, item in ipairs(items) do
    if item.action.title:find('^Take theirs') then return choose(item) end
  end
end
vim.cmd('NotebridgeResolve')
wait('taking theirs', function() return not vim.bo[bufnr].modified end)
wait('the conflict diagnostics to clear', function() return not vim.tbl_contains(codes(bufnr), 'conflict') end)
report({ after_write = after_write, offered = offered, text = text(bufnr), modified = vim.bo[bufnr].modified })
""")
    scenario.wait_signal("edited")
    theirs = ALPHA.replace("line one\n", "line one, as the laptop has it\n")
    assert other_device_saves(vault, "alpha.md", lambda _: theirs)["status"] == "saved"
    scenario.signal("saved-elsewhere")

    report = scenario.join()
    after_write = report["after_write"]
    assert after_write["modified"] is True  # not saved: the buffer keeps the user's text
    assert "conflict" in after_write["codes"]
    copy_path = after_write["state"]["conflict"]["copy_path"]
    assert copy_path in after_write["error"]["message"]
    assert (vault[0] / copy_path).read_text() == ALPHA.replace("line one\n", "line one, as Neovim has it\n")
    assert [title for title in report["offered"] if title.startswith(("Take theirs", "Keep mine", "Insert conflict"))]
    assert len(report["offered"]) == 3, report["offered"]
    assert report["text"] == theirs and report["modified"] is False
    assert (vault[0] / "alpha.md").read_text() == theirs


def test_concurrent_change_to_other_lines_merges_on_write(nvim, tmp_path, vault, notebridge_bin):
    scenario = BackgroundScenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_buf_set_lines(bufnr, 8, 9, false, { 'line two, from Neovim' })
vim.api.nvim_win_set_cursor(0, { 9, 5 })
signal('edited')
wait_signal('saved-elsewhere')
wait('the warning about the change', function() return said('changed on laptop') end)
vim.cmd.write()
report({ text = text(bufnr), modified = vim.bo[bufnr].modified, cursor = vim.api.nvim_win_get_cursor(0),
         merged = said('merged with changes') })
""")
    scenario.wait_signal("edited")
    assert other_device_saves(vault, "alpha.md",
                              lambda text: text.replace("# Alpha\n", "# Alpha, retitled\n"))["status"] == "saved"
    scenario.signal("saved-elsewhere")

    report = scenario.join()
    both = ALPHA.replace("# Alpha\n", "# Alpha, retitled\n").replace("line two\n", "line two, from Neovim\n")
    assert report["text"] == both, report
    assert report["modified"] is False
    assert report["cursor"] == [9, 5]
    assert report["merged"], "the user is told the save was merged"
    assert (vault[0] / "alpha.md").read_text() == both


def test_search_new_open_and_checkhealth(nvim, tmp_path, vault, notebridge_bin):
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
open('alpha.md')
local items
vim.ui.select = function(choices, opts, choose)
  items = vim.tbl_map(function(hit) return { path = hit.path, title = hit.title, shown = opts.format_item(hit) } end, choices)
  for _, hit in ipairs(choices) do
    if hit.path == 'people/bob.md' then return choose(hit) end
  end
end
vim.cmd('NotebridgeSearch zebra')
local picked = vim.api.nvim_buf_get_name(0)
vim.cmd('NotebridgeNew Shopping List: Tuesday')
local created = vim.api.nvim_buf_get_name(0)
vim.cmd('NotebridgeOpen people/bob')
local opened = vim.api.nvim_buf_get_name(0)
vim.cmd('checkhealth notebridge')
local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
report({ items = items, picked = picked, created = created, opened = opened, health = health, messages = messages })
""")

    assert sorted(item["path"] for item in report["items"]) == ["alpha.md", "people/bob.md"]
    assert "Bob  [people/bob.md]" in [item["shown"] for item in report["items"]]
    root = vault[0].resolve()
    assert report["picked"] == str(root / "people" / "bob.md")
    assert report["created"] == str(root / "people" / "Shopping List- Tuesday.md")  # ':' is no file name character
    assert (root / "people" / "Shopping List- Tuesday.md").read_text().startswith(
        '---\ntitle: "Shopping List: Tuesday"\ntype: note\n---\n')
    assert report["opened"] == str(root / "people" / "bob.md")
    assert "OK Neovim 0.10" in report["health"] and "client" in report["health"], report["health"]
    assert "ERROR" not in report["health"], report["health"]


def test_new_note_is_named_after_its_title_as_basic_memory_and_the_create_note_action_do(nvim, tmp_path, vault,
                                                                                        notebridge_bin):
    root = vault[0]
    (root / "lab").mkdir()
    (root / "lab" / "log.md").write_text("---\ntitle: Log\n---\n\nService the [[Afterburner Maintenance Log]].\n")
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('lab/log.md')
wait('the unresolved-link diagnostic', function() return vim.tbl_contains(codes(bufnr), 'unresolved-link') end)
vim.api.nvim_win_set_cursor(0, { 5, 16 })  -- on the link
vim.lsp.buf.code_action({ apply = true, filter = function(action) return action.title:find('^Create note') ~= nil end })
wait('the code action creating its note', function() return vim.uv.fs_stat(root .. '/lab/Afterburner Maintenance Log.md') end)
vim.cmd('NotebridgeNew Water Chemistry Notes')
local created = vim.api.nvim_buf_get_name(0)
vim.cmd('NotebridgeOpen lab/water-chemistry-notes')
report({ created = created, opened = vim.api.nvim_buf_get_name(0), modified = vim.bo.modified, messages = messages })
""")

    lab = vault[0].resolve() / "lab"
    assert report["created"] == str(lab / "Water Chemistry Notes.md")
    assert report["opened"] == report["created"]  # the permalink follows from the path
    assert report["modified"] is False
    made_by_command = (lab / "Water Chemistry Notes.md").read_text()
    made_by_action = (lab / "Afterburner Maintenance Log.md").read_text()
    assert made_by_command == made_by_action.replace("Afterburner Maintenance Log", "Water Chemistry Notes")
    assert made_by_command.startswith("---\ntitle: Water Chemistry Notes\ntype: note\n---\n")
    assert not any(m["level"] == 4 for m in report["messages"]), report["messages"]  # no errors


def test_new_note_with_a_title_that_names_no_file_changes_nothing(nvim, tmp_path, vault, notebridge_bin):
    before = sorted(p.relative_to(vault[0]) for p in vault[0].rglob("*"))
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
open('alpha.md')
vim.cmd('NotebridgeNew ?:*')
report({ buffer = vim.api.nvim_buf_get_name(0), messages = messages })
""")

    assert report["buffer"].endswith("alpha.md")
    assert any("needs at least one letter" in m["message"] for m in report["messages"]), report["messages"]
    assert sorted(p.relative_to(vault[0]) for p in vault[0].rglob("*")) == before


def test_write_on_an_rclone_mount_says_when_the_bucket_has_it(nvim, tmp_path, notebridge_bin, mount_a, s3):  # noqa: F811
    signals = tmp_path / "signals"
    signals.mkdir()
    vault = (mount_a.mountpoint, tmp_path / "index.sqlite", signals)
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('inbox/upload.md')
vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '# Upload', '', 'bytes for the bucket' })
vim.cmd.write()
local after_write = vim.deepcopy(vim.b[bufnr].notebridge)
wait('the upload', function() return vim.b[bufnr].notebridge.uploaded == true end)
report({ after_write = after_write, modified = vim.bo[bufnr].modified, messages = messages })
""", mount=mount_a)

    assert report["modified"] is False
    assert report["after_write"]["uploaded"] is False  # rclone holds the bytes for its write-back delay
    said = [m["message"] for m in report["messages"]]
    assert any("inbox/upload.md" in m and "uploading" in m for m in said), said
    assert any("is in the bucket" in m for m in said), said
    assert s3.get("inbox/upload.md") == b"# Upload\n\nbytes for the bucket\n"  # through S3, not the mount


def test_hover_and_definition_sent_in_the_first_second_are_answered(nvim, tmp_path, vault, notebridge_bin):
    root = vault[0]
    for i in range(300):  # enough notes that the first index is still running when they arrive
        (root / f"filler {i}.md").write_text(f"---\ntitle: Filler {i}\n---\n\nSee [[Filler {(i + 1) % 300}]].\n")
    (root / "links.md").write_text("---\ntitle: Links\n---\n\nSee [[Bob]] here.\n")
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local started = vim.uv.hrtime()
vim.cmd.edit(root .. '/links.md')
local client
wait('the client to initialize', function()
  client = vim.lsp.get_clients({ bufnr = 0 })[1]
  return client ~= nil and client.initialized
end)
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 4, character = 7 } }
local sent_after = (vim.uv.hrtime() - started) / 1e9
local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 30000)[client.id]
local definition = vim.lsp.buf_request_sync(0, 'textDocument/definition', params, 30000)[client.id]
report({ sent_after = sent_after, indexed_when_sent = indexed, hover = hover, definition = definition, messages = messages })
""")

    assert report["sent_after"] < 1.0
    assert report["hover"].get("err") is None, report["hover"]
    assert "Bob" in report["hover"]["result"]["contents"]["value"]
    assert report["definition"].get("err") is None, report["definition"]
    result = report["definition"]["result"]
    assert (result[0] if isinstance(result, list) else result)["uri"] == (root / "people" / "bob.md").resolve().as_uri()


def test_rename_in_neovim_010_moves_the_file_and_rewrites_a_closed_note(nvim, tmp_path, vault, notebridge_bin):
    root = vault[0]
    (root / "people" / "bob.md").write_text(BOB + "\nBob read [[Alpha]].\n")
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_win_set_cursor(0, { 6, 3 })  -- on the title heading "# Alpha"
vim.lsp.buf.rename('Alpha: Prime')
wait('the buffer to follow the file', function() return vim.api.nvim_buf_get_name(bufnr):find('Alpha%- Prime%.md$') end)
wait('the title edit', function() return text(bufnr):find('# Alpha: Prime', 1, true) end)
local renamed_modified = vim.bo[bufnr].modified
vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { 'added after the rename' })
vim.cmd.write()
local unsaved = vim.tbl_filter(function(b) return vim.bo[b].modified end, vim.api.nvim_list_bufs())
report({ name = vim.api.nvim_buf_get_name(bufnr), renamed_modified = renamed_modified, unsaved = #unsaved,
         state = vim.b[bufnr].notebridge, messages = messages })
""")

    renamed = root / "Alpha- Prime.md"
    assert report["name"] == str(renamed.resolve())
    assert not (root / "alpha.md").exists()
    assert report["renamed_modified"] is False and report["unsaved"] == 0
    assert renamed.read_text().endswith("added after the rename\n")
    assert 'title: "Alpha: Prime"' in renamed.read_text()
    assert "Bob read [[Alpha: Prime]]." in (root / "people" / "bob.md").read_text()
    assert not any(m.get("level") == 4 for m in report["messages"]), report["messages"]  # no error, no baseVersion refusal


def test_a_root_that_does_not_exist_is_reported_at_setup(nvim, tmp_path, vault, notebridge_bin):
    missing = tmp_path / "not-mounted"
    report = run_scenario(tmp_path, (missing, *vault[1:]), notebridge_bin, r"""
report({ messages = messages })
""")

    assert any(str(missing) in m["message"] and "not a folder" in m["message"] for m in report["messages"]), report


def test_checkhealth_reports_an_index_server_that_does_not_answer(nvim, tmp_path, vault, notebridge_bin):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = f"http://127.0.0.1:{port}"
    report = run_scenario(tmp_path, (vault[0], down, vault[2]), notebridge_bin, r"""
vim.cmd.edit(root .. '/alpha.md')
local clients = require('notebridge.client')
wait('the server to report the index problem', function()
  local client = vim.lsp.get_clients({ bufnr = 0 })[1]
  if not (client and client.initialized) then return false end
  local status = clients.request(client, 'notebridge/status', {}, nil, 2)
  return status and status.problem ~= nil
end)
vim.cmd('checkhealth notebridge')
report({ health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') })
""")

    assert "still being opened" in report["health"] and f"127.0.0.1:{port}" in report["health"], report["health"]
def test_history_shows_an_old_version_in_a_diff_and_restores_it(nvim, tmp_path, vault, notebridge_bin):
    report = run_scenario(tmp_path, vault, notebridge_bin, r"""
local bufnr = open('alpha.md')
vim.api.nvim_buf_set_lines(bufnr, 7, 8, false, { 'line one, second version' })
vim.cmd.write()
local kept = vim.b[bufnr].notebridge.version
vim.api.nvim_buf_set_lines(bufnr, 7, 8, false, { 'line one, third version' })
vim.cmd.write()
local listed
vim.ui.select = function(items, opts, on_choice)
  listed = vim.tbl_map(opts.format_item, items)
  for _, item in ipairs(items) do
    if item.version == kept then return on_choice(item) end
  end
  on_choice(nil)
end
vim.cmd('NotebridgeHistory')
local scratch = vim.api.nvim_get_current_buf()
local shown = { name = vim.api.nvim_buf_get_name(scratch), text = text(scratch), modifiable = vim.bo[scratch].modifiable,
                diff = vim.wo.diff, source_diff = vim.wo[vim.fn.bufwinid(bufnr)].diff }
vim.cmd('NotebridgeRestore')
report({ kept = kept, listed = listed, shown = shown, restored_text = text(bufnr), modified = vim.bo[bufnr].modified,
         version = vim.b[bufnr].notebridge.version, scratch_gone = not vim.api.nvim_buf_is_valid(scratch),
         messages = messages })
""")

    second = ALPHA.replace("line one\n", "line one, second version\n")
    assert report["listed"][0].startswith(f"v{report['kept'] + 1}  ") and "nvim  save" in report["listed"][0], report
    assert any(line.startswith(f"v{report['kept']}  ") for line in report["listed"])
    assert report["shown"]["name"] == f"notebridge://alpha.md@v{report['kept']}"
    assert report["shown"]["text"] == second
    assert report["shown"]["modifiable"] is False and report["shown"]["diff"] and report["shown"]["source_diff"]
    assert report["restored_text"] == second and report["modified"] is False and report["scratch_gone"], report
    assert report["version"] == report["kept"] + 2
    assert (vault[0] / "alpha.md").read_text() == second
