// Entry of the extension-host test suite (CommonJS, mocha 11). VS Code loads this file inside the REAL
// extension host when started with extensionTestsPath pointing here:
//   - through code-server: test/e2e/run-code-server.js (workbench URL payload, headless Chromium)
//   - through desktop VS Code: test/e2e/run-electron.js (@vscode/test-electron)
// It runs every test/e2e/suite/*.test.js and also writes a JSON report when CMLOGS_E2E_REPORT names a file
// (the extension host inherits the environment of code-server / VS Code), so runners can print a summary.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: +(process.env.CMLOGS_E2E_TEST_TIMEOUT_MS || 30000),
    grep: process.env.CMLOGS_E2E_GREP || undefined,
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const report = {
    started: new Date().toISOString(),
    vscode: require('vscode').version,
    passed: [],
    failed: [],
    pending: [],
  };
  const title = (t) => t.fullTitle();
  return new Promise((resolve, reject) => {
    let runner;
    try {
      runner = mocha.run((failures) => {
        report.finished = new Date().toISOString();
        const summary = `${report.passed.length} passing, ${report.failed.length} failing, ${report.pending.length} pending`;
        console.log(`[cmlogs-e2e] ${summary}`);
        const out = process.env.CMLOGS_E2E_REPORT;
        if (out) {
          try {
            fs.mkdirSync(path.dirname(out), { recursive: true });
            fs.writeFileSync(out, JSON.stringify(report, null, 2));
          } catch (e) {
            console.error(`[cmlogs-e2e] cannot write ${out}: ${e.message}`);
          }
        }
        if (failures) reject(new Error(`${failures} of ${mocha.suite.total()} tests failed`));
        else resolve();
      });
    } catch (e) {
      report.failed.push({ title: 'loading the suite', error: String(e && e.stack ? e.stack : e) });
      if (process.env.CMLOGS_E2E_REPORT)
        fs.writeFileSync(process.env.CMLOGS_E2E_REPORT, JSON.stringify(report, null, 2));
      reject(e);
      return;
    }
    runner.on('pass', (t) => report.passed.push({ title: title(t), ms: t.duration }));
    runner.on('fail', (t, err) =>
      report.failed.push({ title: title(t), error: String(err && err.message ? err.message : err).slice(0, 2000) }),
    );
    runner.on('pending', (t) => report.pending.push({ title: title(t), reason: t.skipReason || '' }));
  });
};
