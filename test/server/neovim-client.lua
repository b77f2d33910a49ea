-- Attaches the Evalens language server to a file with Neovim's built-in LSP client
-- (the 0.7 API: vim.lsp.start_client + vim.lsp.buf_attach_client), waits for the first
-- diagnostics, asks for the code actions of the first one, and writes both to a JSON file.
-- Environment: EVALENS_SERVER (path of dist/server.js), EVALENS_NODE, EVALENS_ROOT, EVALENS_FILE, EVALENS_OUT.
local server = os.getenv('EVALENS_SERVER')
local root = os.getenv('EVALENS_ROOT')
local file = os.getenv('EVALENS_FILE')
local out = os.getenv('EVALENS_OUT')

local function finish(result)
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local done = false

local client_id = vim.lsp.start_client({
  name = 'evalens',
  cmd = { os.getenv('EVALENS_NODE') or 'node', server, '--stdio' },
  root_dir = root,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, params)
      if done or params.uri ~= vim.uri_from_bufnr(bufnr) then return end
      done = true
      -- Leave the handler before making a synchronous request.
      vim.schedule(function()
        local actions = {}
        local first = params.diagnostics[1]
        if first ~= nil then
          local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
            textDocument = { uri = params.uri },
            range = first.range,
            context = { diagnostics = { first } },
          }, 10000)
          for _, response in pairs(responses or {}) do
            for _, action in ipairs(response.result or {}) do table.insert(actions, action.title) end
          end
        end
        finish({ client = 'neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor), diagnostics = params.diagnostics, codeActions = actions })
      end)
    end,
  },
})
if client_id == nil then
  finish({ error = 'vim.lsp.start_client failed' })
  return
end
vim.lsp.buf_attach_client(bufnr, client_id)
vim.defer_fn(function()
  if not done then finish({ error = 'no diagnostics within 30 s' }) end
end, 30000)
