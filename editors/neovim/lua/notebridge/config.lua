-- The plugin's settings: defaults, validation, and the roots they apply to.
local M = {}

M.defaults = {
  root = nil,          -- the notes folder (required)
  database = nil,      -- index location; nil: notebridge's default local SQLite file
  cmd = { 'notebridge', 'serve' },
  device = nil,        -- this device's id in the change feed; nil: notebridge's default
  poll_interval = nil, -- seconds between polls of the change feed; nil: 1
  rclone_rc = nil,     -- rclone remote-control URL, for refreshing a stale mount
  save_timeout = 15,   -- seconds `:w` waits for the bridge before reporting a failure
}

--- Every root set up so far, by its absolute path (one language client each).
M.roots = {}

-- Symlinks resolved, also for a file that does not exist yet (through its folder).
local function absolute(path)
  local expanded = vim.fs.normalize(vim.fn.fnamemodify(vim.fn.expand(path), ':p')):gsub('(.)/$', '%1')
  local real = vim.uv.fs_realpath(expanded)
  if real then
    return real
  end
  local folder = vim.uv.fs_realpath(vim.fs.dirname(expanded))
  return folder and (folder .. '/' .. vim.fs.basename(expanded)) or expanded
end

--- Checks `opts` and returns the full settings for one root (errors name the bad key).
function M.resolve(opts)
  vim.validate({ opts = { opts, 'table' } })
  local settings = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  vim.validate({
    root = { settings.root, 'string' },
    database = { settings.database, 'string', true },
    cmd = { settings.cmd, { 'table', 'string' } },
    device = { settings.device, 'string', true },
    poll_interval = { settings.poll_interval, 'number', true },
    rclone_rc = { settings.rclone_rc, 'string', true },
    save_timeout = { settings.save_timeout, 'number' },
  })
  if type(settings.cmd) == 'string' then
    settings.cmd = { settings.cmd, 'serve' }
  end
  settings.root = absolute(settings.root)
  return settings
end

--- The root a file lies under, or nil.
function M.root_of(path)
  if path == nil or path == '' then
    return nil
  end
  local file = absolute(path)
  for root, settings in pairs(M.roots) do
    if file:sub(1, #root + 1) == root .. '/' then
      return settings
    end
  end
  return nil
end

--- The settings of the first root set up (for commands run outside a note).
function M.any_root()
  local _, settings = next(M.roots)
  return settings
end

M.absolute = absolute

return M
