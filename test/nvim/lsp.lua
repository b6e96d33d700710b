-- Neovim (0.7.x, Debian 12) as an independent LSP client of the ConfigMgr Logs language server.
-- Run by test/nvim/run.sh:
--   OUT=… SERVER=server/out/server.js HRESULT_FILE=… GUID_FILE=… nvim --headless -u NONE -i NONE -n -c 'luafile test/nvim/lsp.lua'
-- It starts `node server/out/server.js --stdio` with vim.lsp.start_client (vim.lsp.start exists only from 0.8),
-- opens a log, asks hover on an HRESULT, waits for the diagnostics, opens another log, asks references on a
-- GUID, and writes what the server answered to OUT as JSON. run.sh checks the answers.
local out = assert(os.getenv('OUT'), 'OUT not set')
local server = assert(os.getenv('SERVER'), 'SERVER not set')
local hresult_file = assert(os.getenv('HRESULT_FILE'), 'HRESULT_FILE not set')
local guid_file = assert(os.getenv('GUID_FILE'), 'GUID_FILE not set')
local HRESULT = os.getenv('HRESULT') or '0x80244021'
local GUID = os.getenv('GUID') or 'C2D17964-BBDD-4339-B9F3-12D7205B39CC'

local result = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }

local function finish(code)
  result.exit = code
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result), '\n')
  f:close()
  vim.cmd(code == 0 and 'qa!' or 'cq!')
end

local function fail(message)
  result.error = message
  finish(1)
end

-- 0-based position of the first occurrence of `needle` in buffer `bufnr`, `delta` characters into it
local function position_of(bufnr, needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then return { line = i - 1, character = col - 1 + (delta or 1) } end
  end
  return nil
end

local function open(file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  return vim.api.nvim_get_current_buf()
end

local function run()
  local bufnr = open(hresult_file)
  local client_id = vim.lsp.start_client({
    name = 'cmlogs',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(hresult_file, ':p:h:h'),
    on_exit = function(code) io.stderr:write('language server exited with ' .. tostring(code) .. '\n') end,
  })
  if not client_id then return fail('start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local ready = vim.wait(20000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 50)
  if not ready then return fail('timeout waiting for initialize') end
  result.server = vim.lsp.get_client_by_id(client_id).server_capabilities and 'initialized' or 'no capabilities'

  -- hover on the HRESULT (retry: the first answer can come before the file is indexed)
  local pos = position_of(bufnr, HRESULT, 3)
  if not pos then return fail(HRESULT .. ' not found in ' .. hresult_file) end
  result.hover_position = pos
  local hover_text = nil
  vim.wait(15000, function()
    local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = pos }, 5000)
    local r = res and res[client_id] and res[client_id].result
    if r and r.contents then
      local c = r.contents
      hover_text = type(c) == 'string' and c or c.value or vim.fn.json_encode(c)
    end
    return hover_text ~= nil
  end, 200)
  result.hover = hover_text

  -- diagnostics published for the error records
  vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 100)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { line = d.lnum, severity = d.severity, message = d.message, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end

  -- references on a GUID, from another log of the same folder
  local gbuf = open(guid_file)
  vim.lsp.buf_attach_client(gbuf, client_id)
  local gpos = position_of(gbuf, GUID, 4)
  if not gpos then return fail(GUID .. ' not found in ' .. guid_file) end
  result.references_position = gpos
  local files = {}
  vim.wait(20000, function()
    local res = vim.lsp.buf_request_sync(gbuf, 'textDocument/references', { textDocument = { uri = vim.uri_from_bufnr(gbuf) }, position = gpos, context = { includeDeclaration = true } }, 5000)
    local locations = res and res[client_id] and res[client_id].result or {}
    files = {}
    result.references = {}
    for _, l in ipairs(locations) do
      table.insert(result.references, { uri = l.uri, line = l.range.start.line })
      files[vim.fn.fnamemodify(vim.uri_to_fname(l.uri), ':t')] = true
    end
    return vim.tbl_count(files) >= 2
  end, 300)
  result.reference_files = vim.tbl_keys(files)
  table.sort(result.reference_files)

  vim.lsp.stop_client(client_id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
  finish(0)
end

-- safety net: never hang the CI
vim.defer_fn(function() fail('global timeout (60 s)') end, 60000)
vim.schedule(function()
  local ok, err = pcall(run)
  if not ok then fail('lua error: ' .. tostring(err)) end
end)
