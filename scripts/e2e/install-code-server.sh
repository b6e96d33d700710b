#!/bin/bash
# Installs code-server (VS Code in the browser) into .cache/code-server/ of this repository, for the end-to-end
# tests. Idempotent: when the wanted version is already there and starts, it does nothing.
#
#   scripts/e2e/install-code-server.sh            -> prints the path of the code-server binary on its last line
#   CODE_SERVER_DIR=/elsewhere scripts/e2e/install-code-server.sh
#
# Works on Debian 12 + Node 20 with network access to the npm registry and apt only:
# - code-server 4.100.3 is the last line that runs on Node 20 (newer ones need Node 22+).
# - Its dependencies' install scripts are blocked by npm 11 unless allowed (allowScripts), and its postinstall
#   runs a nested `npm install` in lib/vscode, whose allowScripts is set below as well.
# - @vscode/ripgrep downloads rg from GitHub (blocked): Debian's ripgrep is linked in instead.
# - kerberos.node needs the gssapi headers (libkrb5-dev); node-pty etc. need python3, make, g++.
# Nothing is written to ~: HOME, the npm cache and node-gyp's folder point into .cache/ while it runs.
set -euo pipefail
VERSION=4.100.3
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="$ROOT/.cache"
DIR=${CODE_SERVER_DIR:-$CACHE/code-server}
BIN="$DIR/node_modules/.bin/code-server"
MARKER="$DIR/.installed-$VERSION"

log() { echo "[install-code-server] $*" >&2; }

# code-server writes a default config.yaml and logs under XDG_CONFIG_HOME / XDG_DATA_HOME even for --version:
# point them into .cache.
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" XDG_CACHE_HOME="$CACHE/xdg/cache"
works() { [ -f "$MARKER" ] && [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$VERSION "; }

mkdir -p "$CACHE"
# One install at a time (several test runs may start together).
exec 9>"$CACHE/code-server.lock"
flock 9

if works; then
  log "code-server $VERSION already installed in $DIR"
  echo "$BIN"
  exit 0
fi

T0=$(date +%s)
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("Node >= 20 needed, have " + process.version); process.exit(1); }'
"$ROOT/scripts/e2e/ensure-apt.sh" libkrb5-dev ripgrep python3 make g++ pkg-config
log "apt packages ready after $(( $(date +%s) - T0 ))s"

# Keep npm, node-gyp and postinstall scripts out of ~ (the user's npmrc is still read, for registry/proxy settings).
REAL_HOME=${HOME:-/root}
[ -f "$REAL_HOME/.npmrc" ] && export npm_config_userconfig="$REAL_HOME/.npmrc"
export HOME="$CACHE/home"
export npm_config_cache="$CACHE/npm"
export npm_config_devdir="$CACHE/node-gyp"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# as root, code-server's postinstall.sh refuses to run without unsafe_perm; node-pty runs `npx node-gyp` (yes)
export npm_config_unsafe_perm=true npm_config_yes=true
# Node's headers come with Debian/NodeSource node in /usr/include/node: no header download from nodejs.org.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
mkdir -p "$HOME" "$npm_config_cache"

PARTIAL="$DIR.partial"
rm -rf "$PARTIAL"
mkdir -p "$PARTIAL"
cd "$PARTIAL"
cat > package.json <<JSON
{
  "name": "cmlogs-e2e-code-server",
  "private": true,
  "description": "code-server for the ConfigMgr Logs end-to-end tests (scripts/e2e/install-code-server.sh)",
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
log "npm install code-server@$VERSION (scripts off) ..."
npm install --no-save --ignore-scripts --no-package-lock "code-server@$VERSION" >install.log 2>&1 || { tail -40 install.log; exit 1; }
node -e '
const f = "node_modules/code-server/lib/vscode/package.json", fs = require("fs"), p = JSON.parse(fs.readFileSync(f, "utf8"));
p.allowScripts = { "@parcel/watcher": true, "@vscode/deviceid": true, "@vscode/spdlog": true, "kerberos": true,
  "native-watchdog": true, "node-pty": true, "@vscode/windows-process-tree": true, "@vscode/windows-registry": true,
  "@vscode/ripgrep": false };
fs.writeFileSync(f, JSON.stringify(p, null, 2));'
log "npm rebuild (postinstall: native modules, nested install in lib/vscode) ..."
npm rebuild code-server argon2 --foreground-scripts >rebuild.log 2>&1 || { tail -60 rebuild.log; exit 1; }
RG=node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin
mkdir -p "$RG" && ln -sf "$(command -v rg)" "$RG/rg"
node_modules/.bin/code-server --version >/dev/null
touch ".installed-$VERSION"
cd "$CACHE"
rm -rf "$DIR"
mv "$PARTIAL" "$DIR"
works || { log "installed, but $BIN --version does not report $VERSION"; exit 1; }
log "code-server $VERSION installed in $DIR in $(( $(date +%s) - T0 ))s ($(du -sh "$DIR" | cut -f1))"
echo "$BIN"
