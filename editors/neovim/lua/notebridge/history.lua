-- :NotebridgeHistory and :NotebridgeRestore: the versions the index keeps of a note, one of them
-- read-only beside the buffer in a diff, and bringing it back (an ordinary save of its text).
local buffer = require('notebridge.buffer')
local clients = require('notebridge.client')
local config = require('notebridge.config')

local M = {}

local notify = clients.notify

-- The note in `bufnr`: its settings and client, or nil after saying why not.
local function note_of(bufnr)
  return clients.with_client(config.root_of(vim.api.nvim_buf_get_name(bufnr)), bufnr,
    'this buffer is not a note under a notebridge root')
end

local function describe(version)
  local what = version.deleted and 'deleted' or (version.size .. ' bytes')
  return string.format('v%d  %s  %s  %s  %s', version.version, version.at:gsub('%.%d+Z$', 'Z'), version.device,
    version.origin, what)
end

--- Opens version `version` of the note in `bufnr` read-only in a new window, in a diff against
--- the buffer. Returns the new buffer, or nil.
function M.show(bufnr, version)
  local settings, client = note_of(bufnr)
  if not settings then
    return nil
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local note, err = clients.request(client, 'notes/open', { uri = uri, version = version }, bufnr, settings.save_timeout)
  if not note then
    notify(tostring(err), vim.log.levels.ERROR)
    return nil
  end
  local source_window = vim.fn.bufwinid(bufnr)
  vim.cmd('vertical new')
  local scratch = vim.api.nvim_get_current_buf()
  local lines = vim.split(note.text, '\r?\n')
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, lines)
  vim.bo[scratch].buftype = 'nofile'
  vim.bo[scratch].bufhidden = 'wipe'
  vim.bo[scratch].swapfile = false
  vim.bo[scratch].filetype = 'markdown'
  vim.bo[scratch].modifiable = false
  vim.bo[scratch].readonly = true
  vim.api.nvim_buf_set_name(scratch, string.format('notebridge://%s@v%d', note.path, version))
  vim.b[scratch].notebridge_version = { source = bufnr, version = version, text = note.text }
  vim.cmd.diffthis()
  if source_window ~= -1 then
    vim.api.nvim_win_call(source_window, function() vim.cmd.diffthis() end)
  end
  notify(string.format('version %d of %s (from the history; :NotebridgeRestore brings it back)', version, note.path))
  return scratch
end

--- :NotebridgeHistory: pick one of the note's versions (newest first) and show it.
function M.pick(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local settings, client = note_of(bufnr)
  if not settings then
    return
  end
  local result, err = clients.request(client, 'notes/history', { uri = vim.uri_from_bufnr(bufnr), limit = 100 }, bufnr,
    settings.save_timeout)
  if not result then
    notify(tostring(err), vim.log.levels.ERROR)
    return
  end
  local versions = vim.tbl_filter(function(version) return version.hasText end, result.versions)
  if #versions == 0 then
    notify('the index keeps no versions of this note')
    return
  end
  vim.ui.select(versions, { prompt = 'Versions of ' .. result.path, kind = 'notebridge.history', format_item = describe },
    function(version)
      if version then
        M.show(bufnr, version.version)
      end
    end)
end

--- :NotebridgeRestore (in a version opened by :NotebridgeHistory): puts that text into the note's
--- buffer and saves it through the bridge, an ordinary save against the buffer's version, so a
--- newer save by someone else is merged or kept as a conflict copy, never overwritten unseen.
function M.restore()
  local shown = vim.b.notebridge_version
  if not shown then
    notify('not a version from :NotebridgeHistory', vim.log.levels.ERROR)
    return false
  end
  if not vim.api.nvim_buf_is_valid(shown.source) then
    notify('the note\'s buffer is gone; open the note again', vim.log.levels.ERROR)
    return false
  end
  local scratch = vim.api.nvim_get_current_buf()
  buffer.replace(shown.source, shown.text)
  local saved = require('notebridge.save').save(shown.source)
  if saved then
    vim.api.nvim_buf_delete(scratch, { force = true })
    for _, window in ipairs(vim.fn.win_findbuf(shown.source)) do
      vim.api.nvim_win_call(window, function() vim.cmd.diffoff() end)
    end
    notify(string.format('restored version %d', shown.version))
  end
  return saved
end

return M
