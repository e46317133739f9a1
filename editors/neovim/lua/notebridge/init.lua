-- notebridge for Neovim: Basic Memory notes on a cloud mount, saved through the bridge.
local config = require('notebridge.config')
local clients = require('notebridge.client')

local M = {}

local group = vim.api.nvim_create_augroup('notebridge', { clear = false })

--- Starts the bridge for a note buffer and routes its writes through notes/save.
local function attach(bufnr, settings)
  if vim.b[bufnr].notebridge_attached or vim.bo[bufnr].buftype ~= '' then
    return
  end
  vim.b[bufnr].notebridge_attached = true
  vim.api.nvim_create_autocmd('BufWriteCmd', {
    group = group, buffer = bufnr, desc = 'notebridge: save through the bridge',
    callback = function(event)
      require('notebridge.save').on_buf_write_cmd(event)
    end,
  })
  vim.api.nvim_create_autocmd('FileChangedShell', {
    group = group, buffer = bufnr, desc = 'notebridge: the bridge reports changes itself',
    callback = function(event)
      require('notebridge.changes').on_file_changed_shell(event)
    end,
  })
  clients.ensure(settings, bufnr)
end

-- Neovim sets the LSP omnifunc on attach only over none or one its own runtime set; when a user's
-- filetype plugin set one (often omnifunc=htmlcomplete#CompleteTags for markdown), <C-x><C-o>
-- after `[[` would offer HTML tags, not notes.
local function use_lsp_omnifunc(event)
  local client = vim.lsp.get_client_by_id(event.data.client_id)
  if client and client.name == clients.name and vim.b[event.buf].notebridge_attached then
    vim.bo[event.buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
end

local function attach_if_note(bufnr)
  local settings = config.root_of(vim.api.nvim_buf_get_name(bufnr))
  if settings then
    attach(bufnr, settings)
  end
end

local function define_commands()
  local commands = require('notebridge.commands')
  vim.api.nvim_create_user_command('NotebridgeSearch', function(args)
    commands.search_and_pick(args.args)
  end, { nargs = '*', desc = 'Search notes and open one' })
  vim.api.nvim_create_user_command('NotebridgeOpen', function(args)
    commands.open(args.args)
  end, { nargs = 1, desc = 'Open the note with this permalink' })
  vim.api.nvim_create_user_command('NotebridgeNew', function(args)
    commands.new(args.args)
  end, { nargs = '+', desc = 'Create a note with this title' })
  vim.api.nvim_create_user_command('NotebridgeResolve', function()
    commands.resolve()
  end, { nargs = 0, desc = 'Resolve the conflict in this note' })
  vim.api.nvim_create_user_command('NotebridgeHistory', function()
    require('notebridge.history').pick()
  end, { nargs = 0, desc = 'Pick a kept version of this note and diff it against the buffer' })
  vim.api.nvim_create_user_command('NotebridgeRestore', function()
    require('notebridge.history').restore()
  end, { nargs = 0, desc = 'Bring back the version shown in this buffer (from :NotebridgeHistory)' })
end

--- Sets up one notes root: { root, database?, cmd?, device?, poll_interval?, rclone_rc?, save_timeout? }.
--- Call it again for more roots; each root gets its own server.
function M.setup(opts)
  local settings = config.resolve(opts or {})
  local stat = vim.uv.fs_stat(settings.root)
  if not (stat and stat.type == 'directory') then
    -- Said now, not at the first command: often the mount is simply not up yet.
    vim.notify(string.format('notebridge: the notes root %s is not a folder (not mounted yet?); notes there are not '
      .. 'handled until it exists', settings.root), vim.log.levels.WARN)
  end
  local first = next(config.roots) == nil
  config.roots[settings.root] = settings
  if first then
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
      group = group, pattern = '*.md', desc = 'notebridge: attach to notes under a notebridge root',
      callback = function(event)
        attach_if_note(event.buf)
      end,
    })
    vim.api.nvim_create_autocmd('LspAttach', {
      group = group, desc = 'notebridge: complete notes with <C-x><C-o>', callback = use_lsp_omnifunc,
    })
    define_commands()
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.api.nvim_buf_get_name(bufnr):match('%.md$') then
      attach_if_note(bufnr)
    end
  end
end

--- Saves a buffer through the bridge (what `:w` does in a note). Returns true when saved.
function M.save(bufnr)
  return require('notebridge.save').save(bufnr or vim.api.nvim_get_current_buf())
end

--- Notes matching `query`: a list of {uri, path, permalink, title, type, snippet, score}, or nil and an error.
function M.search(query, limit)
  return require('notebridge.commands').search(query, limit)
end

M.open = function(permalink) require('notebridge.commands').open(permalink) end
M.new = function(title) require('notebridge.commands').new(title) end
M.resolve = function() require('notebridge.commands').resolve() end

return M
