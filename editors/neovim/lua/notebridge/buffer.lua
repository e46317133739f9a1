-- A buffer's text as the bridge sees it, and replacing it without losing the cursor.
local M = {}

local LINE_ENDINGS = { dos = '\r\n', mac = '\r', unix = '\n' }

--- The buffer's text, joined the way Neovim's LSP text sync sends it (so both agree).
function M.text(bufnr)
  local ending = LINE_ENDINGS[vim.bo[bufnr].fileformat] or '\n'
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), ending)
  if vim.bo[bufnr].eol then
    text = text .. ending
  end
  return text
end

local function split(text)
  local ends_with_newline = text:sub(-1) == '\n' or text:sub(-1) == '\r'
  local lines = vim.split(text, '\r?\n', { plain = false })
  if ends_with_newline then
    table.remove(lines)
  end
  return lines, ends_with_newline
end

--- Replaces the buffer's text with `text`, changing only the lines that differ, so cursors,
--- marks and folds elsewhere stay where they were.
function M.replace(bufnr, text)
  local new_lines, eol = split(text)
  local old_lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)
  local old_text = table.concat(old_lines, '\n') .. '\n'
  local new_text = table.concat(new_lines, '\n') .. '\n'
  local hunks = vim.diff(old_text, new_text, { result_type = 'indices' })
  -- Bottom-up, so earlier line numbers stay valid.
  for index = #hunks, 1, -1 do
    local start_old, count_old, start_new, count_new = unpack(hunks[index])
    local replacement = vim.list_slice(new_lines, start_new, start_new + count_new - 1)
    local first = count_old == 0 and start_old or start_old - 1
    vim.api.nvim_buf_set_lines(bufnr, first, first + count_old, false, replacement)
  end
  vim.bo[bufnr].eol = eol
end

--- Marks the buffer as saved (what Vim does after a successful write).
function M.mark_saved(bufnr)
  vim.bo[bufnr].modified = false
end

return M
