#!/usr/bin/env node
// `npm run test:e2e`: runs test/e2e/suite (mocha) INSIDE the real Node extension host of code-server.
//
// 1. installs code-server into .cache/code-server if needed (scripts/e2e/install-code-server.sh), and Debian's
//    chromium if /usr/bin/chromium is missing;
// 2. starts code-server on 127.0.0.1 with a fresh profile (scripts/e2e/with-code-server.js), folder samples/;
// 3. opens the workbench in headless Chromium with VS Code's test payload
//    (extensionDevelopmentPath = this repo, extensionTestsPath = test/e2e/suite/index.js, as vscode-remote URIs);
//    the workbench reports the suite's end through window.codeAutomationExit(code), which we expose;
// 4. stops everything; exit code 0 only when every test passed. A hard timeout kills it all.
//
// It builds nothing: `npm run build` runs first (the npm script does that).
// Options: --ext DIR (another extensionDevelopmentPath), --grep TEXT (only matching tests), --keep (keep the profile).
// Environment: E2E_TIMEOUT_MS (default 600000), CORPUS_DIR, CODE_SERVER_BIN, CHROMIUM_BIN.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { startCodeServer } = require('../../scripts/e2e/with-code-server');
const { launch, ensureChromium } = require('../../scripts/e2e/chromium');

const ROOT = path.resolve(__dirname, '../..');
const RESULTS = path.join(ROOT, 'test-results');
const REPORT = path.join(RESULTS, 'e2e-suite.json');
const T0 = Date.now();
const lap = (m) => console.log(`[e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${m}`);

function parseArgs(argv) {
  const o = { ext: ROOT, grep: process.env.CMLOGS_E2E_GREP || '', keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ext') o.ext = path.resolve(argv[++i]);
    else if (argv[i] === '--grep') o.grep = argv[++i];
    else if (argv[i] === '--keep') o.keep = true;
    else throw new Error(`unknown option ${argv[i]} (use --ext DIR, --grep TEXT, --keep)`);
  }
  return o;
}

/** Lines of the browser console that are workbench noise, not test output. */
const NOISE =
  /Failed to load resource|same-origin iframe|sandboxing|\[Extension Host\] (?:debugger|Debugger)|was preloaded using link preload|An iframe which has both|Ignoring fetching additional builtin|Long running operations|punycode|DeprecationWarning|Content Security Policy|ChatModelSelection|AgentHost|\bERR_CONNECTION_REFUSED|Error: Canceled|onWillSaveState|marketplace|extensionGallery|no gallery|open-vsx\.org|^CodeExpectedError|^Creating a socket|^\[Service Worker\]|^ChatSessionStore/i;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const hardTimeout = +(process.env.E2E_TIMEOUT_MS || 600000);
  let cs;
  let context;
  const killer = setTimeout(async () => {
    console.error(`\n[e2e] HARD TIMEOUT after ${hardTimeout / 1000}s: stopping code-server and Chromium`);
    try {
      await context?.close();
    } catch {}
    try {
      await cs?.stop();
    } catch {}
    process.exit(124);
  }, hardTimeout);

  for (const f of ['client/out/extension.js', 'server/out/server.js']) {
    if (!fs.existsSync(path.join(opts.ext, f)))
      throw new Error(`${f} is missing in ${opts.ext}: run \`npm run build\` first`);
  }
  ensureChromium();
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.rmSync(REPORT, { force: true });

  const folder = path.join(ROOT, 'samples');
  cs = await startCodeServer({
    name: 'suite',
    folder,
    keep: opts.keep,
    // the extension host inherits code-server's environment (an empty CORPUS_DIR means the default)
    env: { CMLOGS_E2E_REPORT: REPORT, CMLOGS_E2E_GREP: opts.grep, CORPUS_DIR: process.env.CORPUS_DIR || '' },
  });
  lap(`code-server ready at ${cs.url}`);

  let exitCode = 1;
  try {
    context = await launch(path.join(cs.runDir, 'chromium'));
    const page = context.pages()[0] || (await context.newPage());
    let done;
    const exited = new Promise((resolve) => (done = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // the extension host forwards console.* calls: args[0] may be a format string ("%s (%dms)")
      const text = util.format(...(args || []));
      if (!NOISE.test(text)) console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => done(code));
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    if (process.env.E2E_BROWSER_CONSOLE === '1') page.on('console', (m) => console.log(`[browser] ${m.text()}`));

    const authority = new URL(cs.url).host;
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(opts.ext)],
      ['extensionTestsPath', remote(path.join(ROOT, 'test/e2e/suite/index.js'))],
      ['skipWelcome', 'true'],
    ]);
    lap(`opening the workbench (folder ${path.relative(ROOT, folder)}, extension ${opts.ext})`);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    const suiteTimeout = +(process.env.E2E_SUITE_TIMEOUT_MS || 300000);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), suiteTimeout))]);
    lap(`extension tests finished: exit code ${code}`);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(RESULTS, 'e2e-suite-timeout.png') }).catch(() => {});
      console.error(
        `[e2e] the suite did not finish within ${suiteTimeout / 1000}s (screenshot test-results/e2e-suite-timeout.png)`,
      );
    }
    exitCode = code === 0 ? 0 : 1;
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
    clearTimeout(killer);
    lap(`code-server stopped (logs in ${path.relative(ROOT, cs.runDir)})`);
  }

  if (fs.existsSync(REPORT)) {
    const r = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
    console.log(
      `\n=== e2e suite (VS Code ${r.vscode} in code-server): ${r.passed.length} passing, ${r.failed.length} failing, ${r.pending.length} pending ===`,
    );
    for (const t of r.passed) console.log(`  ✔ ${t.title}${t.ms > 1000 ? ` (${(t.ms / 1000).toFixed(1)}s)` : ''}`);
    for (const t of r.pending) console.log(`  - SKIPPED ${t.title}${t.reason ? `: ${t.reason}` : ''}`);
    for (const t of r.failed) console.log(`  ✘ ${t.title}\n      ${t.error.split('\n').slice(0, 6).join('\n      ')}`);
    console.log(`(report: ${path.relative(ROOT, REPORT)})`);
  } else {
    console.log(
      `[e2e] no report at ${path.relative(ROOT, REPORT)}: the suite did not run to its end (see the code-server log in ${path.relative(ROOT, cs.runDir)})`,
    );
    exitCode = 1;
  }
  lap(exitCode === 0 ? 'PASS' : 'FAIL');
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[e2e] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
