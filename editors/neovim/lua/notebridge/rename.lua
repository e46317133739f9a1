-- A note the server renamed itself (notes/didRename): Neovim 0.10 cannot apply file renames, so
-- the server moves the file and the buffer follows, based on the version saved at the new path.
local buffer = require('notebridge.buffer')
local changes = require('notebridge.changes')

local M = {}

local function buffer_named(name)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(bufnr) == name then
      return bufnr
    end
  end
  return nil
end

--- Handler for notes/didRename {oldUri, newUri, version, checksum, text?}. It runs before the
--- rename's answer is applied, whose text edits for this note name the new URI.
function M.on_did_rename(_, result, _)
  local bufnr = result and changes.loaded_buffer(result.oldUri)
  if not bufnr then
    return
  end
  local old_name = vim.api.nvim_buf_get_name(bufnr)
  vim.api.nvim_buf_set_name(bufnr, vim.uri_to_fname(result.newUri))
  -- A renamed buffer counts as "not edited", so :w would refuse to overwrite the (new) file with
  -- E13; its writes go through the plugin's BufWriteCmd anyway, which 'acwrite' lets through.
  vim.bo[bufnr].buftype = 'acwrite'
  -- Renaming leaves the old name behind as an unlisted buffer; the file is gone.
  local stale = buffer_named(old_name)
  if stale and stale ~= bufnr then
    pcall(vim.api.nvim_buf_delete, stale, { force = true })
  end
  if result.text then -- the buffer was clean: it now holds the version saved at the new path
    buffer.replace(bufnr, result.text)
    buffer.mark_saved(bufnr)
  end
  vim.b[bufnr].notebridge = { version = result.version, checksum = result.checksum }
  vim.notify(string.format('notebridge: renamed to %s (v%d)', vim.fn.fnamemodify(vim.uri_to_fname(result.newUri), ':~:.'),
    result.version))
end

return M
