-- The user commands' work: search, open by permalink, create a note, resolve a conflict.
local clients = require('notebridge.client')
local config = require('notebridge.config')

local M = {}

local notify = clients.notify

-- The root of the current buffer, else the first one set up; its client, started if needed.
local function current()
  return clients.with_client(config.root_of(vim.api.nvim_buf_get_name(0)) or config.any_root(), nil,
    'no root: call require("notebridge").setup{ root = ... } first')
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

--- :NotebridgeNew {title}: create a note named after its title (`Title.md`, as Basic Memory does;
--- the server applies its file-name rules, the same as its "create note" code action) and edit
--- it. It goes in the current note's folder, or the root; an existing note is opened.
function M.new(title)
  local settings, client = current()
  if not settings then
    return
  end
  local here = config.absolute(vim.api.nvim_buf_get_name(0))
  local folder = config.root_of(here) == settings and vim.fs.dirname(here):sub(#settings.root + 2) or ''
  local result, err = clients.request(client, 'workspace/executeCommand', {
    command = 'notebridge.createNote',
    arguments = { { title = title, folder = folder, openExisting = true } },
  }, 0, settings.save_timeout)
  if not result then
    notify(string.format('could not create the note %q: %s', title, tostring(err)), vim.log.levels.ERROR)
    return
  end
  if result.created == false then
    notify(result.path .. ' already exists; opening it')
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
