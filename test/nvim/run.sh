#!/bin/bash
# `npm run test:nvim`: the language server in another editor. Neovim (Debian's 0.7.x, installed with apt-get when
# missing) starts `node server/out/server.js --stdio`, asks hover on an HRESULT and references on a GUID
# (test/nvim/lsp.lua), and this script checks the answers. Exit 1 on any mismatch.
# Needs `npm run build` first. Nothing is written to ~ (XDG_* and NVIM_LOG_FILE point into .cache/nvim/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
T0=$(date +%s)
command -v nvim >/dev/null || "$ROOT/scripts/e2e/ensure-apt.sh" neovim
[ -f server/out/server.js ] || { echo "server/out/server.js is missing: run npm run build first" >&2; exit 1; }

SAMPLES="$ROOT/samples"
HRESULT_FILE=${HRESULT_FILE:-$SAMPLES/client/WUAHandler.log}
GUID_FILE=${GUID_FILE:-$SAMPLES/client/ScanAgent.log}
RUN="$ROOT/.cache/nvim"
mkdir -p "$RUN" "$ROOT/test-results"
export XDG_CONFIG_HOME="$RUN/config" XDG_DATA_HOME="$RUN/data" XDG_STATE_HOME="$RUN/state" XDG_CACHE_HOME="$RUN/cache"
export NVIM_LOG_FILE="$RUN/nvim.log"
export OUT="$ROOT/test-results/nvim-lsp.json" SERVER="$ROOT/server/out/server.js" HRESULT_FILE GUID_FILE
rm -f "$OUT"

# own process group (nvim and the language server it starts), stopped on exit whatever happens
setsid nvim --headless -u NONE -i NONE -n -c "luafile $ROOT/test/nvim/lsp.lua" </dev/null >"$RUN/nvim.out" 2>&1 &
PID=$!
cleanup() { kill -TERM -- -"$PID" 2>/dev/null || true; }
trap cleanup EXIT
( sleep 90; echo "[nvim] timeout after 90 s" >&2; kill -KILL -- -"$PID" 2>/dev/null ) &
WATCHDOG=$!
RC=0
wait "$PID" || RC=$?
kill "$WATCHDOG" 2>/dev/null || true
[ -f "$OUT" ] || { echo "[nvim] no answers written (nvim exit $RC):" >&2; cat "$RUN/nvim.out" >&2; exit 1; }

RC=0
node - "$OUT" <<'JS' || RC=$?
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const problems = [];
const check = (ok, what) => { console.log(`  ${ok ? '✔' : '✘'} ${what}`); if (!ok) problems.push(what); };
console.log(`[nvim] Neovim ${r.nvim} with node server/out/server.js --stdio`);
if (r.error) problems.push(r.error), console.log(`  ✘ ${r.error}`);
const hover = r.hover || '';
check(/0x80244021/.test(hover) && /WU\\?_E\\?_PT\\?_HTTP\\?_STATUS\\?_BAD\\?_GATEWAY/.test(hover), `hover on 0x80244021 decodes it: ${JSON.stringify(hover.split('\n')[0] || null)}`);
const errors = (r.diagnostics || []).filter((d) => d.severity === 1);
check(errors.length === 2, `2 error diagnostics in WUAHandler.log (got ${errors.length}: lines ${errors.map((d) => d.line + 1).join(', ')})`);
const files = r.reference_files || [];
check(files.length >= 2 && files.includes('ScanAgent.log'), `references on the GUID span ${files.length} files: ${files.join(', ')}`);
process.exit(problems.length ? 1 : 0);
JS
echo "[nvim] $([ $RC = 0 ] && echo PASS || echo FAIL) in $(( $(date +%s) - T0 ))s (answers: test-results/nvim-lsp.json)"
exit $RC
