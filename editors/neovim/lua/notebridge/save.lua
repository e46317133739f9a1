-- `:w` through notes/save: every write is checked against the version the buffer is based on.
local buffer = require('notebridge.buffer')
local clients = require('notebridge.client')
local config = require('notebridge.config')

local M = {}

--- What the plugin knows of a buffer: the version it is based on and any open conflict.
--- (`vim.b.notebridge`: {version?, checksum?, uploaded?, conflict? = {copy_path, theirs_version, theirs_checksum}})
function M.state(bufnr)
  return vim.b[bufnr].notebridge or {}
end

local function set_state(bufnr, state)
  vim.b[bufnr].notebridge = state
end

local function relative(settings, bufnr)
  return config.absolute(vim.api.nvim_buf_get_name(bufnr)):sub(#settings.root + 2)
end

local notify = clients.notify

--- Acts on a notes/save result: saved, merged and unchanged mark the buffer saved (merged also
--- takes the merged text); a conflict leaves it modified and says where the conflict copy is.
function M.apply_result(bufnr, result, name)
  local status = result.status
  if status == 'merged' then
    buffer.replace(bufnr, result.text)
  end
  if status == 'saved' or status == 'merged' or status == 'unchanged' then
    -- uploaded: false on an rclone mount until notes/didUpload says the bucket has the bytes.
    set_state(bufnr, { version = result.version, checksum = result.checksum, uploaded = result.uploaded })
    buffer.mark_saved(bufnr)
    local said = {
      saved = 'written',
      merged = 'merged with changes saved elsewhere and written',
      unchanged = 'unchanged',
    }
    local uploading = result.uploaded == false and ', uploading' or ''
    notify(string.format('"%s" %s (v%d%s)', name, said[status], result.version, uploading))
    return true
  end
  if status == 'conflict' then
    local conflict = result.conflict or {}
    local state = M.state(bufnr)
    state.conflict = {
      copy_path = conflict.copyPath,
      theirs_version = conflict.theirsVersion,
      theirs_checksum = conflict.theirsChecksum,
    }
    set_state(bufnr, state)
    notify(string.format(
      '"%s" NOT written: it changed elsewhere (v%s) and the edits overlap. Your text stays in this buffer '
        .. 'and is also kept in %s. Resolve with :NotebridgeResolve (take theirs, keep mine, insert markers).',
      name, tostring(conflict.theirsVersion), tostring(conflict.copyPath)), vim.log.levels.ERROR)
    return false
  end
  notify(string.format('"%s": unexpected answer %s', name, vim.inspect(result)), vim.log.levels.ERROR)
  return false
end

local function failed(name, message)
  notify(string.format('"%s" NOT written: %s. Your text stays in the buffer (`:noautocmd write` writes the file '
    .. 'directly, without the conflict check).', name, message), vim.log.levels.ERROR)
  return false
end

--- Saves buffer `bufnr` through the bridge (extra params merged in, e.g. {force = true}).
--- Returns true when the bridge saved, merged or found nothing to save.
function M.save(bufnr, extra)
  local settings = config.root_of(vim.api.nvim_buf_get_name(bufnr))
  if not settings then
    return failed(vim.api.nvim_buf_get_name(bufnr), 'the file is not under a notebridge root')
  end
  local name = relative(settings, bufnr)
  local client = clients.ensure(settings, bufnr)
  if not client then
    return failed(name, 'the notebridge server could not be started (see :checkhealth notebridge)')
  end
  local params = vim.tbl_extend('force', { uri = vim.uri_from_bufnr(bufnr), text = buffer.text(bufnr) }, extra or {})
  local state = M.state(bufnr)
  if state.version and not params.force then
    params.baseVersion = state.version
    params.baseChecksum = state.checksum
  end
  local result, err = clients.request(client, 'notes/save', params, bufnr, settings.save_timeout)
  if not result then
    return failed(name, err)
  end
  return M.apply_result(bufnr, result, name)
end

--- Writes the buffer's lines to a file outside the bridge (`:w other-file`).
local function write_copy(bufnr, target)
  local text = buffer.text(bufnr)
  local file, err = io.open(target, 'wb')
  if not file then
    return failed(target, err)
  end
  file:write(text)
  file:close()
  notify(string.format('"%s" written (a copy; outside the bridge)', target))
  return true
end

--- The BufWriteCmd handler: `:w` of a note goes through notes/save; `:w other.md` under the
--- root saves a new note there; other targets are written as plain copies.
function M.on_buf_write_cmd(event)
  local bufnr = event.buf
  local target = config.absolute(event.match)
  if target == config.absolute(vim.api.nvim_buf_get_name(bufnr)) then
    M.save(bufnr)
    return
  end
  local settings = config.root_of(target)
  if not settings then
    write_copy(bufnr, target)
    return
  end
  local client = clients.ensure(settings)
  local path = target:sub(#settings.root + 2)
  if not client then
    failed(path, 'the notebridge server could not be started (see :checkhealth notebridge)')
    return
  end
  local result, err = clients.request(client, 'notes/save', { path = path, text = buffer.text(bufnr) }, bufnr,
    settings.save_timeout)
  if not result then
    failed(path, err)
  elseif result.status == 'saved' then
    notify(string.format('"%s" written (v%d)', path, result.version))
  end
end

local function buffer_for(command, ctx)
  local uri = command.arguments and command.arguments[1]
  if type(uri) == 'string' then
    local bufnr = vim.uri_to_bufnr(uri)
    if vim.api.nvim_buf_is_loaded(bufnr) then
      return bufnr
    end
  end
  return ctx.bufnr
end

--- `notebridge.keepMine`: save this buffer's text over the version saved elsewhere.
function M.keep_mine(command, ctx)
  M.save(buffer_for(command, ctx), { force = true })
end

--- `notebridge.acceptRemote`: the code action has already put their text (or conflict markers)
--- into the buffer; tell the bridge the buffer is now based on their version.
function M.accept_remote(command, ctx)
  local bufnr = buffer_for(command, ctx)
  local settings = config.root_of(vim.api.nvim_buf_get_name(bufnr))
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not (settings and client) then
    return
  end
  local _, err = clients.request(client, 'workspace/executeCommand',
    { command = command.command, arguments = command.arguments }, bufnr, settings.save_timeout)
  local opened = not err and clients.request(client, 'notes/open', { uri = vim.uri_from_bufnr(bufnr) }, bufnr,
    settings.save_timeout)
  if not opened then
    notify('could not take the other version: ' .. tostring(err or 'notes/open failed'), vim.log.levels.ERROR)
    return
  end
  set_state(bufnr, { version = opened.version, checksum = opened.checksum })
  if buffer.text(bufnr) == opened.text then
    buffer.mark_saved(bufnr) -- the buffer now holds exactly what is on disk
  end
end

return M
