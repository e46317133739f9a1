-- :checkhealth notebridge
local config = require('notebridge.config')
local clients = require('notebridge.client')

local M = {}

function M.check()
  local health = vim.health
  health.start('notebridge')
  if vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.10 or newer is needed, this is ' .. tostring(vim.version()))
  end
  if next(config.roots) == nil then
    health.error('no root set up', { 'call require("notebridge").setup{ root = "~/notes" } in your config' })
    return
  end
  for root, settings in pairs(config.roots) do
    health.start('notebridge: ' .. root)
    local stat = vim.uv.fs_stat(root)
    if stat and stat.type == 'directory' then
      health.ok('root is a folder')
    else
      health.error('root is not a folder: ' .. root, { 'mount the notes (e.g. rclone mount) or fix `root`' })
    end
    local executable = settings.cmd[1]
    if vim.fn.executable(executable) == 1 then
      local version = vim.fn.system({ executable, '--version' })
      if vim.v.shell_error == 0 then
        health.ok(string.format('%s runs (version %s)', vim.fn.exepath(executable), vim.trim(version)))
      else
        health.error(executable .. ' --version failed: ' .. vim.trim(version))
      end
    else
      health.error(executable .. ' is not an executable on $PATH', { 'build notebridge, or set `cmd` to its path' })
    end
    health.info('index: ' .. (settings.database and settings.database:gsub('authToken=[^&]*', 'authToken=…')
      or "notebridge's default local SQLite file"))
    local client = clients.get(settings)
    if client then
      health.ok(string.format('client %d is running, attached to %d buffer(s)', client.id,
        vim.tbl_count(client.attached_buffers or {})))
      M.report_status(health, client)
    else
      health.info('no client running yet (it starts with the first note you open under the root)')
    end
  end
end

--- What the running server says about its folder and index (not what the settings promise).
function M.report_status(health, client)
  local status, err = clients.request(client, 'notebridge/status', {}, nil, 3)
  if not status then
    health.error('the server did not report its state: ' .. tostring(err))
  elseif status.state == 'open' then
    health.ok(string.format('notes folder open; index %s %s', status.index,
      status.indexed and 'complete' or 'still being built'))
  elseif status.state == 'opening' then
    health.warn('the notes folder is still being opened' .. (status.problem and (': ' .. status.problem) or ''))
  else
    health.error('the notes folder could not be opened: ' .. tostring(status.problem))
  end
end

return M
