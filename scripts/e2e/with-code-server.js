#!/usr/bin/env node
// Starts code-server on 127.0.0.1 (a free port) with a fresh profile under .cache/e2e/, waits until it answers,
// runs something against it, and stops its whole process group (code-server, extension host, language server).
//
// CLI:  node scripts/e2e/with-code-server.js [--folder DIR] [--vsix FILE] [--settings FILE.json] [--keep] -- cmd args…
//       The command gets CODE_SERVER_URL, CODE_SERVER_PORT, CODE_SERVER_RUN_DIR, CODE_SERVER_FOLDER in its
//       environment; the exit code is the command's.
// API:  const { startCodeServer, withCodeServer } = require('./with-code-server');
//       const cs = await startCodeServer({ folder, vsix, settings, env }); … await cs.stop();
//
// Nothing goes to ~: --config, --user-data-dir, --extensions-dir, HOME and XDG_* of the server all point into
// the run folder. code-server itself is installed by scripts/e2e/install-code-server.sh (called when missing).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CACHE = path.join(ROOT, '.cache');
const CODE_SERVER_VERSION = '4.100.3';
// CODE_SERVER_DIR: where scripts/e2e/install-code-server.sh put it (shared between worktrees), else .cache/code-server.
const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || path.join(CACHE, 'code-server');
const DEFAULT_BIN = path.join(CODE_SERVER_DIR, 'node_modules/.bin/code-server');

/** Settings every run starts from: no welcome page, no trust prompt, no telemetry or update checks. */
const BASE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.hover.delay': 100,
  'window.restoreWindows': 'none',
};

const timestamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');

/** Installs code-server into .cache/code-server when it is not there yet; returns the binary. */
function ensureCodeServer(log = console.error) {
  if (process.env.CODE_SERVER_BIN) return process.env.CODE_SERVER_BIN;
  const marker = path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`);
  if (fs.existsSync(marker) && fs.existsSync(DEFAULT_BIN)) return DEFAULT_BIN;
  log(`not installed yet: running scripts/e2e/install-code-server.sh`);
  const r = spawnSync(path.join(ROOT, 'scripts/e2e/install-code-server.sh'), {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`install-code-server.sh failed (exit ${r.status})`);
  return DEFAULT_BIN;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Is any process of group `pgid` still alive? */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const live = new Set();
let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  // Last resort when the caller dies without stopping: kill what is left, synchronously.
  process.on('exit', () => {
    for (const pgid of live) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {}
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`[code-server] ${signal}: stopping`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Keeps the logs of the last 20 runs in .cache/e2e/. */
function pruneOldRuns(keep = 20) {
  const dir = path.join(CACHE, 'e2e');
  if (!fs.existsSync(dir)) return;
  const runs = fs
    .readdirSync(dir)
    .map((name) => ({ name, t: fs.statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const r of runs.slice(keep)) fs.rmSync(path.join(dir, r.name), { recursive: true, force: true });
}

/**
 * Starts code-server. Options:
 *   folder    workspace folder passed on the command line (optional)
 *   vsix      a .vsix to --install-extension into the fresh extensions folder before starting
 *   settings  extra user settings (object), merged over BASE_SETTINGS
 *   env       extra environment for code-server (and so for the extension host and the language server)
 *   name      prefix of the run folder under .cache/e2e/
 */
async function startCodeServer(options = {}) {
  const log = options.log || ((m) => console.error(`[code-server] ${m}`));
  const bin = ensureCodeServer(log);
  pruneOldRuns();
  const runDir = path.join(CACHE, 'e2e', `${options.name || 'run'}-${timestamp()}-${process.pid}`);
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const home = path.join(runDir, 'home');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, home]) fs.mkdirSync(d, { recursive: true });
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, '');
  fs.writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...(options.settings || {}) }, null, 2),
  );
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    // code-server's own password/hash variables must not leak in from the caller
    PASSWORD: '',
    HASHED_PASSWORD: '',
    ...(options.env || {}),
  };
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI; // when run from a VS Code terminal, code-server would talk to that window
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsix) {
    const t0 = Date.now();
    const r = spawnSync(bin, [...common, '--install-extension', path.resolve(options.vsix)], {
      env,
      encoding: 'utf8',
      timeout: 120000,
    });
    fs.writeFileSync(path.join(runDir, 'install-extension.log'), `${r.stdout}\n${r.stderr}`);
    if (r.status !== 0)
      throw new Error(`--install-extension ${options.vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    log(`installed ${path.basename(options.vsix)} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }

  const port = options.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(runDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    ...common,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (options.folder) args.push(path.resolve(options.folder));
  const t0 = Date.now();
  // detached: the child calls setsid(), so it leads a new process group we can stop as a whole.
  const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pgid = child.pid;
  live.add(pgid);
  hookExit();
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const tail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {}
    for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(250);
    if (groupAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {}
    }
    live.delete(pgid);
    if (!options.keep && process.env.E2E_KEEP_RUNS !== '1') {
      // keep the logs, drop the heavy parts of the profile
      for (const d of [userDataDir, extensionsDir, home]) fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs || 90000);
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}):\n${tail()}`);
    if ((await get(`${url}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server did not answer on ${url} within ${(options.startTimeoutMs || 90000) / 1000}s:\n${tail()}`,
      );
    }
    await sleep(250);
  }
  log(
    `up on ${url} (pgid ${pgid}) in ${((Date.now() - t0) / 1000).toFixed(1)}s; profile and logs in ${path.relative(ROOT, runDir)}`,
  );
  return {
    url,
    port,
    pgid,
    runDir,
    userDataDir,
    extensionsDir,
    logFile,
    folder: options.folder ? path.resolve(options.folder) : undefined,
    stop,
  };
}

/** Starts code-server, runs `fn(cs)`, always stops it. */
async function withCodeServer(options, fn) {
  const cs = await startCodeServer(options);
  try {
    return await fn(cs);
  } finally {
    await cs.stop();
  }
}

module.exports = { startCodeServer, withCodeServer, ensureCodeServer, freePort, ROOT, CACHE, BASE_SETTINGS };

// ---- CLI ------------------------------------------------------------------------------------------------
if (require.main === module) {
  const argv = process.argv.slice(2);
  const sep = argv.indexOf('--');
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  const command = sep >= 0 ? argv.slice(sep + 1) : [];
  const options = {};
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === '--folder') options.folder = own[++i];
    else if (a === '--vsix') options.vsix = own[++i];
    else if (a === '--settings') options.settings = JSON.parse(fs.readFileSync(own[++i], 'utf8'));
    else if (a === '--keep') options.keep = true;
    else {
      console.error(
        `unknown option ${a}\nusage: with-code-server.js [--folder DIR] [--vsix FILE] [--settings FILE.json] [--keep] -- command args…`,
      );
      process.exit(2);
    }
  }
  if (!command.length) {
    console.error(
      'usage: with-code-server.js [--folder DIR] [--vsix FILE] [--settings FILE.json] [--keep] -- command args…',
    );
    process.exit(2);
  }
  withCodeServer(
    options,
    (cs) =>
      new Promise((resolve) => {
        const child = spawn(command[0], command.slice(1), {
          stdio: 'inherit',
          env: {
            ...process.env,
            CODE_SERVER_URL: cs.url,
            CODE_SERVER_PORT: String(cs.port),
            CODE_SERVER_RUN_DIR: cs.runDir,
            CODE_SERVER_FOLDER: cs.folder || '',
          },
        });
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
        child.on('error', (e) => {
          console.error(e.message);
          resolve(127);
        });
      }),
  )
    .then((code) => process.exit(code))
    .catch((e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(1);
    });
}
