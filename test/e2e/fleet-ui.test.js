#!/usr/bin/env node
// UI test of "ConfigMgr: Open Fleet Report" in the PACKAGED extension, as an admin uses it: code-server with the
// .vsix installed, Debian's headless Chromium driven by playwright-core, at 1366×768.
//
//   CODE_SERVER_DIR=/work/.cs/code-server node test/e2e/fleet-ui.test.js [--vsix FILE]
//
// The fleet is test/fleet/makeFleet.ts's (folders, a .zip, a machine named by its logs, a broken scan) plus a .zip
// that is not one. Checks (#21): Explorer → Open Fleet Report on the fleet folder shows machines × flows, the
// broken machine first and the unreadable one listed with its reason; a click on a folder machine opens its
// diagnosis (the broken scan with its code) and its timeline; a click on a .zip machine unpacks it into a folder
// the extension owns and opens the same for it; a click on a row's machine again reuses that folder.
// Screenshots: test-results/screenshots/fleet/*.png (look at them); results: test-results/fleet-ui.json.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkRun, explorerContextMenu, inWorkbench, vsixPath, webviewFrame } = require('./workbench');

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, 'test-results/screenshots/fleet');
const RESULTS = path.join(ROOT, 'test-results/fleet-ui.json');
const run = checkRun('fleet-ui', SHOTS);
const { results, lap, shot, check } = run;
let page;

/** The workspace: WS/fleet holds the machines (made by makeFleet, through tsx), plus a damaged download. */
function makeWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cmlogs-fleet-ui-'));
  const fleet = path.join(ws, 'fleet');
  const made = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `require(${JSON.stringify(path.join(ROOT, 'test/fleet/makeFleet.ts'))}).makeFleet(${JSON.stringify(fleet)})`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`makeFleet failed: ${made.stderr}`);
  fs.writeFileSync(path.join(fleet, 'PC-BAD-07.zip'), 'PK\x03\x04 half a download');
  return { ws, fleet };
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** The report's frame: its table, and what it says about unreadable machines. */
function reportState() {
  const rows = [...document.querySelectorAll('tr[data-row]')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => ({ text: td.textContent.trim(), cls: td.className })),
  );
  const table = document.querySelector('table').getBoundingClientRect();
  return {
    intro: document.querySelector('p').textContent,
    head: [...document.querySelectorAll('th')].map((th) => th.textContent),
    rows,
    unreadable: [...document.querySelectorAll('#unreadable + ul li')].map((li) => li.textContent),
    tableWidth: Math.round(table.width),
    pageWidth: window.innerWidth,
  };
}

/** The Diagnosis view once its title names `machine`: its title and rows (the side bar's tree). */
async function diagnosisOf(machine, timeout = 60000) {
  const header = page.locator('.pane-header', { hasText: new RegExp(`Diagnosis: ${machine}$`, 'i') }).first();
  await header.waitFor({ timeout });
  // The tree is drawn: its first flow row (a broken instance opens with its steps, which can push the last row,
  // "Files read", out of the rows the list renders).
  await page
    .locator('.pane-body .monaco-list-row', { hasText: /^(Files read|Software update scan on the client)/ })
    .first()
    .waitFor({ timeout });
  const rows = await page
    .locator('.pane-body .monaco-list-row')
    .evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
  return { title: (await header.innerText()).replace(/\s+/g, ' ').trim(), rows };
}

/** Waits for the tab `Timeline: NAME` and for its frame's status line ("N records loaded · … · M files"). */
async function timelineOf(name) {
  const tab = page.locator('.tabs-container .tab', { hasText: `Timeline: ${name}` }).first();
  await tab.waitFor({ timeout: 60000 });
  await tab.click();
  const frame = await webviewFrame(
    page,
    (want) =>
      document.title !== undefined &&
      !!document.getElementById('rows') &&
      document.querySelectorAll('#rows .row:not([hidden])').length > 0 &&
      /records loaded/.test(document.getElementById('status').textContent) &&
      want === want,
    60000,
    name,
  );
  if (!frame) throw new Error(`no timeline rows for ${name}`);
  const status = await frame.evaluate(() => document.getElementById('status').textContent);
  const m = /([\d,]+) records loaded.*?(\d+) files/.exec(status);
  if (!m) throw new Error(`timeline status: ${status}`);
  return { records: Number(m[1].replace(/,/g, '')), files: Number(m[2]), status };
}

/** Brings the report's tab to the front and clicks the machine link named `name` (the webview is made again
 * when its tab comes back: a frame found just before may detach, so the click is retried). */
async function clickMachine(name) {
  for (let attempt = 1; ; attempt++) {
    await page.locator('.tabs-container .tab', { hasText: 'Fleet: fleet' }).first().click();
    const frame = await webviewFrame(page, () => !!document.querySelector('tr[data-row]'), 30000);
    if (!frame) throw new Error('the fleet report is not shown');
    const clicked = await frame
      .locator('a[data-row]', { hasText: new RegExp(`^${name}$`) })
      .click({ timeout: 5000 })
      .then(
        () => true,
        (e) => (attempt < 4 ? false : Promise.reject(e)),
      );
    if (clicked) return;
    await page.waitForTimeout(500);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const vsix = vsixPath(argv);
  const { ws, fleet } = makeWorkspace();
  // What a window that crashed leaves behind (its process is gone): the next window that unpacks removes it.
  let gonePid = 999999;
  while (isRunning(gonePid)) gonePid++;
  const stale = path.join(os.tmpdir(), `cmlogs-fleet-machines-${gonePid}-e2e`);
  fs.mkdirSync(path.join(stale, '0', 'PC-OLD'), { recursive: true });
  results.stale = stale;
  try {
    await inWorkbench({ name: 'fleet-ui', vsix, folder: ws, viewport: { width: 1366, height: 768 } }, async (p, cs) => {
      page = run.state.page = p;
      lap(`code-server at ${cs.url}`);
      await checks(fleet);
    });
  } finally {
    const left = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('cmlogs-fleet-machines-'));
    results.unpackedFoldersLeftAfterStop = left; // removed on dispose, or by the next window that unpacks
    for (const name of left)
      if (!isRunning(Number(name.split('-')[3])))
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
  results.ok = run.ok();
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
  const failed = results.checks.filter((c) => !c.ok);
  lap(
    `${results.checks.length - failed.length}/${results.checks.length} checks passed; screenshots in ${path.relative(ROOT, SHOTS)}/`,
  );
  return results.ok ? 0 : 1;
}

async function checks(fleet) {
  await check(
    'Explorer → ConfigMgr: Open Fleet Report on the fleet folder: machines × flows, the broken scan first, the damaged zip listed with its reason',
    async () => {
      await explorerContextMenu(page, /^fleet$/, 'Open Fleet Report');
      const frame = await webviewFrame(page, () => !!document.querySelector('tr[data-row]'), 120000);
      if (!frame) throw new Error('no fleet report');
      const state = await frame.evaluate(reportState);
      if (!/^7 machines, 1 of them could not be read/.test(state.intro)) throw new Error(`intro: ${state.intro}`);
      const first = state.rows[0];
      if (first[0].text !== 'PC-SCAN-03') throw new Error(`first row: ${JSON.stringify(first)}`);
      const scan = first[state.head.indexOf('Scan')];
      if (!scan || scan.cls !== 'broken' || !/^1 broken/.test(scan.text))
        throw new Error(`scan cell: ${JSON.stringify(scan)}`);
      if (!state.rows.some((r) => r[0].text === 'PC-ZIP-02 (zip)')) throw new Error('no PC-ZIP-02 (zip) row');
      if (state.unreadable.length !== 1 || !/^PC-BAD-07: not a zip file/.test(state.unreadable[0]))
        throw new Error(`unreadable: ${JSON.stringify(state.unreadable)}`);
      if (state.tableWidth > state.pageWidth)
        throw new Error(`the table is wider than the page: ${state.tableWidth} > ${state.pageWidth}`);
      await shot('fleet-1-report-1366');
      return {
        intro: state.intro,
        head: state.head.join(' | '),
        first: first.map((c) => c.text).join(' | '),
        unreadable: state.unreadable[0].slice(0, 80),
      };
    },
  );

  await check(
    'a click on PC-SCAN-03 (a folder) opens its diagnosis (the broken scan, 0x80244021) and its timeline (its 694 records, 16 logs)',
    async () => {
      await clickMachine('PC-SCAN-03');
      const diagnosis = await diagnosisOf('PC-SCAN-03');
      if (!diagnosis.rows.some((r) => /Proxy|0x80244021/.test(r)))
        throw new Error(`rows: ${JSON.stringify(diagnosis.rows.slice(0, 14))}`);
      const timeline = await timelineOf('PC-SCAN-03');
      if (timeline.records !== 694 || timeline.files !== 16) throw new Error(`timeline: ${timeline.status}`);
      await shot('fleet-2-scan-diagnosis-timeline');
      return { diagnosis: diagnosis.title, rows: diagnosis.rows.slice(0, 3), timeline: timeline.status };
    },
  );

  let unpackedAt = null;
  await check(
    'a click on PC-ZIP-02 (a .zip) unpacks it into a folder the extension owns and opens its diagnosis and timeline (702 records, 16 logs)',
    async () => {
      await clickMachine('PC-ZIP-02');
      const diagnosis = await diagnosisOf('PC-ZIP-02');
      if (!diagnosis.rows.some((r) => /^Software update scan on the client4 complete$/.test(r)))
        await page.waitForTimeout(1000); // the tree is drawn a moment after its title
      // The tree is drawn a moment after its title: its rows are those of the zip machine (all complete) once settled.
      for (let i = 0; i < 50 && diagnosis.rows.some((r) => /\d broken|broken — /.test(r)); i++) {
        await page.waitForTimeout(200);
        diagnosis.rows = (await diagnosisOf('PC-ZIP-02')).rows;
      }
      if (diagnosis.rows.some((r) => /\d broken|broken — /.test(r)))
        throw new Error(
          `the zip machine shows the scan machine: ${JSON.stringify(diagnosis.rows.filter((r) => /\d broken|broken — /.test(r)))}`,
        );
      if (!diagnosis.rows.some((r) => /^Files read \(16\)/.test(r)))
        throw new Error(`rows: ${JSON.stringify(diagnosis.rows.slice(0, 14))}`);
      const timeline = await timelineOf('PC-ZIP-02');
      if (timeline.records !== 702 || timeline.files !== 16) throw new Error(`timeline: ${timeline.status}`);
      await shot('fleet-3-zip-diagnosis-timeline');
      const owned = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('cmlogs-fleet-machines-'));
      for (const dir of owned) {
        const candidate = path.join(os.tmpdir(), dir, '0', 'PC-ZIP-02', 'Logs');
        if (fs.existsSync(candidate)) unpackedAt = candidate;
      }
      if (!unpackedAt) throw new Error(`no unpacked folder in ${os.tmpdir()}: ${owned}`);
      if (fs.existsSync(results.stale))
        throw new Error(`the folder of a window that is gone is still there: ${results.stale}`);
      const logs = fs.readdirSync(unpackedAt).sort();
      const expected = fs.readdirSync(path.join(fleet, 'PC-OK-01')).sort();
      if (JSON.stringify(logs) !== JSON.stringify(expected)) throw new Error(`unpacked: ${logs}`);
      return { diagnosis: diagnosis.title, timeline: timeline.status, unpackedAt, logs: logs.length };
    },
  );

  await check('a second click on PC-ZIP-02 reuses its folder (no second copy)', async () => {
    await clickMachine('PC-ZIP-02');
    await diagnosisOf('PC-ZIP-02');
    await page.waitForTimeout(1500);
    const copies = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('cmlogs-fleet-machines-'))
      .flatMap((dir) => fs.readdirSync(path.join(os.tmpdir(), dir)).map((k) => path.join(dir, k)));
    if (copies.length !== 1) throw new Error(`unpacked folders: ${copies}`);
    return { copies };
  });

  await check(
    'a click on the broken scan machine again brings its diagnosis back (the view follows the clicks)',
    async () => {
      await clickMachine('PC-SCAN-03');
      const diagnosis = await diagnosisOf('PC-SCAN-03');
      await shot('fleet-4-back-to-scan');
      return { diagnosis: diagnosis.title };
    },
  );
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[fleet-ui] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
