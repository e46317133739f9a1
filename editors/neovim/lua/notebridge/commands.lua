-- The user commands' work: search, open by permalink, create a note, resolve a conflict.
local clients = require('notebridge.client')
local config = require('notebridge.config')

local M = {}

local function notify(message, level)
  vim.notify('notebridge: ' .. message, level or vim.log.levels.INFO)
end

-- The root of the current buffer, else the first one set up; its client, started if needed.
local function current()
  local settings = config.root_of(vim.api.nvim_buf_get_name(0)) or config.any_root()
  if not settings then
    notify('no root: call require("notebridge").setup{ root = ... } first', vim.log.levels.ERROR)
    return nil
  end
  local client = clients.ensure(settings)
  if not client then
    notify('the server could not be started (see :checkhealth notebridge)', vim.log.levels.ERROR)
    return nil
  end
  return settings, client
end

local function edit(uri)
  vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(uri)))
end

local function pick_with_telescope(query, results)
  local ok, pickers = pcall(require, 'telescope.pickers')
  if not ok then
    return false
  end
  local finders = require('telescope.finders')
  local values = require('telescope.config').values
  pickers.new({}, {
    prompt_title = 'Notes: ' .. query,
    finder = finders.new_table({
      results = results,
      entry_maker = function(hit)
        return { value = hit, display = hit.title .. '  ' .. hit.path, ordinal = hit.title .. ' ' .. hit.path,
                 path = vim.uri_to_fname(hit.uri) }
      end,
    }),
    sorter = values.generic_sorter({}),
    previewer = values.file_previewer({}),
  }):find()
  return true
end

--- The notes matching `query` (notes/search results), or nil and an error.
function M.search(query, limit)
  local settings, client = current()
  if not settings then
    return nil, 'no notebridge root'
  end
  local result, err = clients.request(client, 'notes/search', { query = query, limit = limit or 50 }, 0,
    settings.save_timeout)
  return result and result.results, err
end

--- :NotebridgeSearch [query]: pick a matching note (Telescope when installed, else vim.ui.select).
function M.search_and_pick(query)
  if query == nil or query == '' then
    vim.ui.input({ prompt = 'Search notes: ' }, function(input)
      if input and input ~= '' then
        M.search_and_pick(input)
      end
    end)
    return
  end
  local results, err = M.search(query)
  if not results then
    notify('search failed: ' .. tostring(err), vim.log.levels.ERROR)
    return
  end
  if #results == 0 then
    notify('no notes match ' .. query)
    return
  end
  if pick_with_telescope(query, results) then
    return
  end
  vim.ui.select(results, {
    prompt = 'Notes matching ' .. query,
    kind = 'notebridge',
    format_item = function(hit)
      return string.format('%s  [%s]', hit.title, hit.path)
    end,
  }, function(hit)
    if hit then
      edit(hit.uri)
    end
  end)
end

--- :NotebridgeOpen {permalink}: edit the note with that permalink (or title, or path).
function M.open(permalink)
  local settings, client = current()
  if not settings then
    return
  end
  local key = permalink:match('%.md$') and 'path' or 'permalink'
  local note, err = clients.request(client, 'notes/open', { [key] = permalink }, 0, settings.save_timeout)
  if not note then
    notify(tostring(err), vim.log.levels.ERROR)
    return
  end
  edit(note.uri)
end

-- The file name Basic Memory gives a note with this title (Sources/Notes/NoteFileName.swift has
-- the same rule): the title plus .md, with / \ < > : " | ? * and control characters made '-',
-- runs of '-' made one, and spaces, dots and hyphens trimmed at both ends.
-- TODO: ask the server for the name once notebridge.createNote takes a title without a path.
local function file_name(title)
  local stem = title:gsub('[%c/\\<>:"|?*]', '-'):gsub('%-+', '-'):gsub('^[ %.%-]+', ''):gsub('[ %.%-]+$', '')
  if stem == '' or #stem + 3 > 255 then
    return nil
  end
  return stem .. '.md'
end

--- :NotebridgeNew {title}: create a note named after its title (`Title.md`, as Basic Memory does;
--- the permalink follows from the path) through the bridge and edit it. It goes in the current
--- note's folder, or the root.
function M.new(title)
  local settings, client = current()
  if not settings then
    return
  end
  local name = file_name(title)
  if not name then
    notify('the title needs at least one letter or digit (and at most 252 bytes)', vim.log.levels.ERROR)
    return
  end
  local here = config.absolute(vim.api.nvim_buf_get_name(0))
  local folder = config.root_of(here) == settings and vim.fs.dirname(here):sub(#settings.root + 2) or ''
  local path = (folder == '' and '' or folder .. '/') .. name
  if vim.uv.fs_stat(settings.root .. '/' .. path) then
    notify(path .. ' already exists; opening it')
    edit(vim.uri_from_fname(settings.root .. '/' .. path))
    return
  end
  -- The server writes the same frontmatter as its "create note" code action.
  local result, err = clients.request(client, 'workspace/executeCommand',
    { command = 'notebridge.createNote', arguments = { { path = path, title = title } } }, 0, settings.save_timeout)
  if not result then
    notify(string.format('could not create %s: %s', path, tostring(err)), vim.log.levels.ERROR)
    return
  end
  edit(result.uri)
end

--- :NotebridgeResolve: the code actions for the conflict (or remote change) in this buffer.
function M.resolve()
  local bufnr = vim.api.nvim_get_current_buf()
  local ours = vim.tbl_filter(function(diagnostic)
    return diagnostic.source == 'notebridge' and diagnostic.code ~= 'parse'
  end, vim.diagnostic.get(bufnr))
  if #ours == 0 then
    notify('nothing to resolve in this buffer')
    return
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' }, diagnostics = {} },
    range = { start = { 1, 0 }, ['end'] = { last, 0 } },
    filter = function(action)
      local command = type(action.command) == 'table' and action.command.command or action.command
      return type(command) == 'string' and command:find('^notebridge%.') ~= nil
    end,
  })
end

return M
