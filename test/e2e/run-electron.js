#!/usr/bin/env node
// `npm run test:electron`: the same suite (test/e2e/suite) in desktop VS Code, with @vscode/test-electron.
// It downloads VS Code from update.code.visualstudio.com into .cache/vscode-test/ unless VSCODE_EXE names an
// installed `code` binary. Machines without that access (CI here: npm registry + apt only) cannot run it;
// they run the suite through code-server instead (`npm run test:e2e`).
// Linux without a display: run it under xvfb-run (apt-get install xvfb).
// Environment: VSCODE_EXE, VSCODE_VERSION (default "stable"), CORPUS_DIR, CMLOGS_E2E_GREP.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const RUN = path.join(ROOT, '.cache/e2e', `electron-${Date.now()}-${process.pid}`);
const REPORT = path.join(ROOT, 'test-results/e2e-electron.json');

async function main() {
  const { runTests } = require('@vscode/test-electron');
  for (const f of ['client/out/extension.js', 'server/out/server.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  fs.mkdirSync(path.join(RUN, 'user-data/User'), { recursive: true });
  fs.writeFileSync(
    path.join(RUN, 'user-data/User/settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
    }),
  );
  fs.rmSync(REPORT, { force: true });
  const options = {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, 'suite/index.js'),
    cachePath: path.join(ROOT, '.cache/vscode-test'),
    version: process.env.VSCODE_VERSION || 'stable',
    launchArgs: [
      path.join(ROOT, 'samples'),
      '--disable-extensions', // other installed extensions; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir',
      path.join(RUN, 'user-data'),
      '--extensions-dir',
      path.join(RUN, 'extensions'),
    ],
    extensionTestsEnv: {
      CMLOGS_E2E_REPORT: REPORT,
      CORPUS_DIR: process.env.CORPUS_DIR || '',
      CMLOGS_E2E_GREP: process.env.CMLOGS_E2E_GREP || '',
    },
    timeout: 300000,
  };
  if (process.env.VSCODE_EXE) options.vscodeExecutablePath = process.env.VSCODE_EXE;
  return runTests(options);
}

const t0 = Date.now();
main().then(
  (code) => {
    console.log(
      `[test:electron] suite finished with exit code ${code} in ${((Date.now() - t0) / 1000).toFixed(1)}s (report: test-results/e2e-electron.json)`,
    );
    process.exit(code);
  },
  (e) => {
    const text = String(e && (e.stack || e.message) ? e.stack || e.message : e);
    if (
      /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|update\.code\.visualstudio\.com/.test(text)
    ) {
      console.error(
        [
          '',
          '[test:electron] CANNOT RUN HERE: @vscode/test-electron could not download VS Code',
          `  (${text.split('\n')[0]})`,
          '  This machine has no access to update.code.visualstudio.com. Either',
          '    - run the same suite through code-server:  npm run test:e2e',
          '    - or point VSCODE_EXE at an installed VS Code binary:  VSCODE_EXE=/usr/share/code/code npm run test:electron',
          '',
        ].join('\n'),
      );
      process.exit(2);
    }
    console.error(`[test:electron] FAILED after ${((Date.now() - t0) / 1000).toFixed(1)}s: ${text}`);
    if (/Missing X server|DISPLAY/.test(text))
      console.error('  no display: run it under xvfb-run -a npm run test:electron');
    process.exit(1);
  },
);
