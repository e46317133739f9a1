-- One notebridge language client per root: starting it, finding it, and talking to it.
local M = {}

M.name = 'notebridge'

-- Neovim 0.11 made client methods colon calls (its dot calls are deprecated); 0.10 has only dot calls.
local colon_calls = vim.fn.has('nvim-0.11') == 1

--- Calls method `name` of `client` the way this Neovim wants it.
function M.call(client, name, ...)
  if colon_calls then
    return client[name](client, ...)
  end
  return client[name](...)
end

local function client_config(settings)
  return {
    name = M.name,
    cmd = settings.cmd,
    root_dir = settings.root,
    -- Settings travel in initializationOptions, not on the command line, so a database URL
    -- with a token in it never shows in the process list.
    init_options = {
      root = settings.root,
      database = settings.database,
      device = settings.device,
      pollInterval = settings.poll_interval,
      rcloneRc = settings.rclone_rc,
    },
    handlers = {
      ['notes/didChange'] = function(err, result, ctx)
        require('notebridge.changes').on_did_change(err, result, ctx)
      end,
      ['notes/didUpload'] = function(err, result, ctx)
        require('notebridge.changes').on_did_upload(err, result, ctx)
      end,
      ['notes/didRename'] = function(err, result, ctx)
        require('notebridge.rename').on_did_rename(err, result, ctx)
      end,
    },
    commands = {
      ['notebridge.keepMine'] = function(command, ctx)
        require('notebridge.save').keep_mine(command, ctx)
      end,
      ['notebridge.acceptRemote'] = function(command, ctx)
        require('notebridge.save').accept_remote(command, ctx)
      end,
    },
  }
end

--- The running client for `settings.root`, if any.
function M.get(settings)
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    if client.config.root_dir == settings.root and not M.call(client, 'is_stopped') then
      return client
    end
  end
  return nil
end

--- The client for `settings.root`, started if needed and attached to `bufnr` when given.
function M.ensure(settings, bufnr)
  local config = client_config(settings)
  local id
  if bufnr then
    id = vim.lsp.start(config, { bufnr = bufnr })
  else
    local running = M.get(settings)
    if running then
      id = running.id
    elseif vim.fn.has('nvim-0.11') == 1 then
      id = vim.lsp.start(config, { attach = false })
    else
      id = vim.lsp.start_client(config)
    end
  end
  return id and vim.lsp.get_client_by_id(id) or nil
end

--- Says `message` to the user as notebridge (INFO unless `level` says otherwise).
function M.notify(message, level)
  vim.notify('notebridge: ' .. message, level or vim.log.levels.INFO)
end

--- `settings` and its client (started if needed, attached to `bufnr` when given), or nil after
--- telling the user why not: `no_settings` when `settings` is nil, else that the server did not start.
function M.with_client(settings, bufnr, no_settings)
  if not settings then
    M.notify(no_settings, vim.log.levels.ERROR)
    return nil
  end
  local client = M.ensure(settings, bufnr)
  if not client then
    M.notify('the server could not be started (see :checkhealth notebridge)', vim.log.levels.ERROR)
    return nil
  end
  return settings, client
end

--- Sends `method` and waits up to `timeout` seconds for the answer.
--- Returns the result, or nil and an error message.
function M.request(client, method, params, bufnr, timeout)
  local deadline = vim.uv.now() + timeout * 1000
  local remaining = function()
    return math.max(0, deadline - vim.uv.now())
  end
  if not vim.wait(remaining(), function()
    return client.initialized or M.call(client, 'is_stopped')
  end, 10) or M.call(client, 'is_stopped') then
    return nil, 'the notebridge server did not start (see :checkhealth notebridge and :LspLog)'
  end
  -- The server itself waits for the notes folder to open before it answers.
  local response, failure = M.call(client, 'request_sync', method, params, remaining(), bufnr or 0)
  if not response then
    return nil, failure == 'timeout' and string.format('no answer from notebridge within %g s', timeout)
      or ('the request failed: ' .. tostring(failure or 'the client has stopped'))
  end
  if response.err then
    return nil, response.err.message or vim.inspect(response.err)
  end
  return response.result
end

return M
