-- Changes made elsewhere (notes/didChange): clean buffers reload, modified ones are warned.
local buffer = require('notebridge.buffer')
local clients = require('notebridge.client')
local config = require('notebridge.config')
local save = require('notebridge.save')

local M = {}

local notify = clients.notify

--- The loaded buffer of the note at `uri`, if any.
local function loaded_buffer(uri)
  local path = config.absolute(vim.uri_to_fname(uri))
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and config.absolute(vim.api.nvim_buf_get_name(bufnr)) == path then
      return bufnr
    end
  end
  return nil
end
M.loaded_buffer = loaded_buffer

--- Replaces a clean buffer's text with the note's current version (from notes/open).
function M.reload(client, bufnr, origin)
  local uri = vim.uri_from_bufnr(bufnr)
  clients.call(client, 'request', 'notes/open', { uri = uri }, function(err, note)
    if err or not note then
      notify('could not reload ' .. uri .. ': ' .. tostring(err and err.message), vim.log.levels.WARN)
      return
    end
    if not vim.api.nvim_buf_is_loaded(bufnr) or vim.bo[bufnr].modified then
      return -- edited meanwhile: the next save is checked against the new version
    end
    if buffer.text(bufnr) ~= note.text then
      buffer.replace(bufnr, note.text)
      notify(string.format('"%s" reloaded: changed on %s (v%d)', note.path, origin or 'another device', note.version))
    end
    buffer.mark_saved(bufnr)
    vim.b[bufnr].notebridge = { version = note.version, checksum = note.checksum }
    -- The buffer now holds that version: let the bridge drop its "changed elsewhere" note.
    clients.call(client, 'request', 'workspace/executeCommand',
      { command = 'notebridge.acceptRemote', arguments = { uri } },
      function() end, bufnr)
  end, bufnr)
end

--- Handler for the server's notes/didChange notification.
function M.on_did_change(_, result, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not (client and result and result.changes) then
    return
  end
  for _, change in ipairs(result.changes) do
    local bufnr = loaded_buffer(change.uri)
    if bufnr and save.state(bufnr).checksum ~= change.checksum then
      local who = change.origin or 'another device'
      if change.kind == 'deleted' then
        notify(string.format('"%s" was deleted on %s; :w brings it back', change.path, who), vim.log.levels.WARN)
      elseif vim.bo[bufnr].modified then
        notify(string.format('"%s" changed on %s (v%s): your unsaved edits will be merged or conflict when you save',
          change.path, who, tostring(change.version)), vim.log.levels.WARN)
      else
        M.reload(client, bufnr, who)
      end
    end
  end
end

--- Handler for notes/didUpload: a save of an open note has reached the bucket.
function M.on_did_upload(_, result)
  local bufnr = result and loaded_buffer(result.uri)
  if not bufnr then
    return
  end
  local state = save.state(bufnr)
  if state.checksum == result.checksum then
    state.uploaded = true
    vim.b[bufnr].notebridge = state
    notify(string.format('"%s" is in the bucket', result.path))
  end
end

--- FileChangedShell for notes: the bridge reports changes itself, so Vim's own prompt is not
--- needed; a clean buffer whose file differs takes the file, a modified one is left alone.
function M.on_file_changed_shell(event)
  local bufnr = event.buf
  vim.v.fcs_choice = ''
  if vim.v.fcs_reason == 'deleted' or vim.bo[bufnr].modified then
    return
  end
  local file = io.open(vim.api.nvim_buf_get_name(bufnr), 'rb')
  local text = file and file:read('*a')
  if file then
    file:close()
  end
  if text and text ~= buffer.text(bufnr) then
    vim.v.fcs_choice = 'reload'
  end
end

return M
