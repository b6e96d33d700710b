#!/usr/bin/env node
// UI test of the timeline and the views around it, in the PACKAGED extension, as an admin uses it: code-server
// with the .vsix installed, Debian's headless Chromium driven by playwright-core, at 1600×1000 and 1366×768,
// in a dark and a light theme.
//
//   CODE_SERVER_DIR=/work/.cs/code-server node test/e2e/timeline-ui.test.js [--vsix FILE]
//
// Checks (issue #19): a timeline retargeted from the Explorer shows only the new log's rows at once, and a click
// acts on the new log (stale rows); the message column takes the remaining width (sizes measured), File hides
// itself for one file, columns resize and hide; details go below the list in a narrow panel; F8 / the buttons
// jump to errors; follow / pause; highlight rules colour rows; logs open read-only; rows of a log with no zone are
// drawn in the overview and caught by From/To by their local time (#18).
// Screenshots: test-results/screenshots/timeline-*.png (look at them); results: test-results/timeline-ui.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { checkRun, command, explorerContextMenu, inWorkbench, vsixPath, webviewFrame } = require('./workbench');

const ROOT = path.resolve(__dirname, '../..');
const SAMPLES = path.join(ROOT, 'samples');
const SHOTS = path.join(ROOT, 'test-results/screenshots/timeline');
const RESULTS = path.join(ROOT, 'test-results/timeline-ui.json');
const run = checkRun('timeline-ui', SHOTS);
const FOLLOW_DIR = path.join(SAMPLES, 'zz-e2e-follow');
const FOLLOW_LOG = path.join(FOLLOW_DIR, 'Growing.log');
/** CMTrace records "growing line N", one second apart. */
function followLines(from, to) {
  let out = '';
  for (let n = from; n <= to; n++) {
    const s = String(n % 60).padStart(2, '0');
    const m = String(Math.floor(n / 60)).padStart(2, '0');
    out += `<![LOG[growing line ${n}]LOG]!><time="10:${m}:${s}.000+300" date="01-20-2014" component="Growing" context="" type="1" thread="7" file="">\r\n`;
  }
  return out;
}
/** Issue #18: PC01 has an Intune Management Extension log (CMTrace, local time, no bias) beside ccmsetup.log
 * (bias -60): its UTC is inferred. PC02 has only the IME log: no UTC, placed by its local time. */
const CLOCK_DIR = path.join(SAMPLES, 'zz-e2e-clock');
const cmLine = (message, time, date, component) =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="1" thread="4" file="">\r\n`;
function writeClockFolders() {
  const ime =
    cmLine('[Win32App] Launching ccmsetup.exe /mp:MP01', '09:13:00.1234567', '5-19-2025', 'IntuneManagementExtension') +
    cmLine('[Win32App] ExecManager: app installed', '09:15:30.0000000', '5-19-2025', 'IntuneManagementExtension');
  for (const pc of ['PC01', 'PC02']) {
    fs.mkdirSync(path.join(CLOCK_DIR, pc), { recursive: true });
    fs.writeFileSync(path.join(CLOCK_DIR, pc, 'IntuneManagementExtension.log'), ime);
  }
  fs.writeFileSync(
    path.join(CLOCK_DIR, 'PC01', 'ccmsetup.log'),
    cmLine('==========[ ccmsetup started in process 4242 ]==========', '09:14:00.000-60', '05-19-2025', 'ccmsetup'),
  );
}
const { results, lap, shot, check } = run;
let page;

/** What the timeline's frame shows: the visible rows' file and message cells, and the layout of the list. */
function timelineState() {
  const rows = [...document.querySelectorAll('#rows .row:not([hidden])')];
  const cell = (row, cls) => row.querySelector(cls).textContent;
  const box = (sel) => {
    const e = document.querySelector(sel);
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return {
      left: Math.round(r.left),
      top: Math.round(r.top),
      width: Math.round(r.width),
      height: Math.round(r.height),
      bottom: Math.round(r.bottom),
      shown: getComputedStyle(e).display !== 'none' && r.width > 0,
    };
  };
  return {
    files: [...new Set(rows.map((r) => cell(r, '.c-file')))],
    messages: rows.slice(0, 3).map((r) => cell(r, '.c-msg')),
    count: rows.length,
    width: window.innerWidth,
    list: box('#list'),
    side: box('#side'),
    msg: box('#rows .row:not([hidden]) .c-msg'),
    time: box('#rows .row:not([hidden]) .c-time'),
    file: box('#rows .row:not([hidden]) .c-file'),
    comp: box('#rows .row:not([hidden]) .c-comp'),
    header: [...document.querySelectorAll('#header > span')].map((s) => s.textContent),
    details: document.getElementById('detailsBody').innerText,
    status: document.getElementById('status').textContent,
    selected: (document.querySelector('#rows .row.selected') || {}).className || null,
  };
}

const timeline = () =>
  webviewFrame(
    page,
    () => !!document.getElementById('rows') && document.querySelectorAll('#rows .row:not([hidden])').length > 0,
    30000,
  );

async function expandFolder(name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name}$`) }).first();
  await row.waitFor({ timeout: 30000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

async function setTheme(label) {
  await command(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
}

/** Waits until the timeline frame shows rows of exactly `file` (File cells are there even when the column is hidden). */
async function waitForRowsOf(frame, file, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let state;
  while (Date.now() < deadline) {
    state = await frame.evaluate(timelineState).catch(() => null);
    if (state && state.count && state.files.length === 1 && state.files[0] === file) return state;
    await page.waitForTimeout(100);
  }
  throw new Error(
    `the timeline does not show only ${file}: ${JSON.stringify(state && { files: state.files, count: state.count, messages: state.messages })}`,
  );
}

async function main() {
  const argv = process.argv.slice(2);
  const vsix = vsixPath(argv);
  // The highlight rules are saved per workspace (samples/.vscode/settings.json): start and end without them.
  const workspaceSettings = path.join(SAMPLES, '.vscode');
  const hadSettings = fs.existsSync(workspaceSettings);
  const cleanUp = () => {
    if (!hadSettings) fs.rmSync(workspaceSettings, { recursive: true, force: true });
    fs.rmSync(FOLLOW_DIR, { recursive: true, force: true });
    fs.rmSync(CLOCK_DIR, { recursive: true, force: true });
  };
  cleanUp();
  // A log that grows while the timeline shows it (removed at the end).
  fs.mkdirSync(FOLLOW_DIR, { recursive: true });
  fs.writeFileSync(FOLLOW_LOG, followLines(1, 80));
  writeClockFolders();
  try {
    await inWorkbench(
      { name: 'timeline-ui', vsix, folder: SAMPLES, viewport: { width: 1600, height: 1000 } },
      async (p, cs) => {
        page = run.state.page = p;
        lap(`code-server at ${cs.url}`);
        await expandFolder('client');
        await expandFolder('siteserver');
        await checks();
      },
    );
  } finally {
    cleanUp();
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

async function checks() {
  let frame;
  await check('Explorer → Open in Timeline on ScanAgent.log shows its rows; File is hidden for one file', async () => {
    await explorerContextMenu(page, 'ScanAgent.log', 'ConfigMgr: Open in Timeline');
    frame = await timeline();
    if (!frame) throw new Error('no timeline frame');
    const state = await waitForRowsOf(frame, 'ScanAgent.log');
    if (state.file.shown) throw new Error('the File column is shown for one file');
    if (state.header.some((h) => /^File/.test(h))) throw new Error(`header: ${state.header}`);
    return { header: state.header.join(' | '), msgWidth: state.msg.width, listWidth: state.list.width };
  });
  await shot('timeline-1-scanagent-1600-dark');

  await check(
    'retargeted to WCM.log (stale rows): at once only WCM.log rows, without scrolling; a click selects a WCM.log record; double-click opens WCM.log',
    async () => {
      // Select a ScanAgent record first: after the retarget nothing of it may remain.
      await frame.locator('#rows .row:not([hidden])').nth(1).click();
      await explorerContextMenu(page, 'WCM.log', 'ConfigMgr: Open in Timeline');
      const t0 = Date.now();
      const state = await waitForRowsOf(frame, 'WCM.log', 10000);
      const ms = Date.now() - t0;
      if (!/Select a record/.test(state.details))
        throw new Error(`the previous selection is still shown: ${state.details.slice(0, 120)}`);
      const row = frame.locator('#rows .row:not([hidden])').nth(2);
      const message = (await row.locator('.c-msg').innerText()).trim();
      await row.click();
      const details = await frame.locator('#detailsBody').innerText();
      if (!/WCM\.log:\d+/.test(details))
        throw new Error(`the click selected a record of another file: ${details.slice(0, 200)}`);
      await shot('timeline-2-retargeted-wcm');
      await row.dblclick();
      // The log's own tab (the timeline's tab, "Timeline: WCM.log", is active in its group too).
      await page.locator('.tabs-container .tab.active[data-resource-name="WCM.log"]').waitFor({ timeout: 15000 });
      return {
        shownAfterMs: ms,
        message: message.slice(0, 60),
        details: details.split('\n').find((l) => /WCM\.log:/.test(l)),
      };
    },
  );

  /** One editor group again, the timeline's tab active (a double-click opened a log beside it). */
  const timelineAlone = async () => {
    // Focus the workbench (not the webview, which keeps F1 to itself), then one column.
    await page
      .locator('.tabs-container .tab', { hasText: /Timeline/ })
      .first()
      .click();
    await page
      .locator('.statusbar')
      .click({ position: { x: 5, y: 5 } })
      .catch(() => {});
    await command(page, 'View: Single Column Editor Layout');
    await page
      .locator('.tabs-container .tab', { hasText: /Timeline/ })
      .first()
      .click();
    await page.waitForTimeout(800);
  };

  await check(
    'two logs (Explorer multi-select): File column back; the message column takes the remaining width at 1600×1000',
    async () => {
      await timelineAlone();
      // Two logs selected in the Explorer (a click can land while focus moves from the webview: checked, retried).
      for (let i = 0; ; i++) {
        await page
          .locator('.explorer-folders-view .monaco-list-row', { hasText: /^CAS\.log$/ })
          .first()
          .click();
        await page
          .locator('.explorer-folders-view .monaco-list-row', { hasText: /^LocationServices\.log$/ })
          .first()
          .click({ modifiers: ['Control'] });
        await page.waitForTimeout(300);
        const selected = await page
          .locator('.explorer-folders-view .monaco-list-row[aria-selected="true"]')
          .allInnerTexts();
        if (selected.length === 2) break;
        if (i >= 4) throw new Error(`Explorer selection: ${selected}`);
      }
      await explorerContextMenu(page, 'LocationServices.log', 'ConfigMgr: Open in Timeline');
      await page.waitForTimeout(1000);
      const state = await frame.evaluate(timelineState);
      if (state.files.sort().join() !== 'CAS.log,LocationServices.log') throw new Error(`files: ${state.files}`);
      if (!state.file.shown) throw new Error('File is hidden with two files');
      const others = [state.time, state.file, state.comp].map((b) => b.width);
      if (state.msg.width < 450 || others.some((w) => w >= state.msg.width))
        throw new Error(`message ${state.msg.width} px, others ${others}`);
      return {
        panel: state.width,
        list: state.list.width,
        message: state.msg.width,
        time: state.time.width,
        file: state.file.width,
        comp: state.comp.width,
      };
    },
  );
  await shot('timeline-3-two-logs-1600-dark');

  await check(
    'columns: Component hidden from the Columns menu, Time resized by dragging its edge; remembered',
    async () => {
      await frame.locator('#columnsDrop summary').click();
      await frame.locator('#columnsMenu input[data-col=comp]').uncheck();
      await frame.locator('#columnsDrop summary').click();
      const grip = frame.locator('#header .c-time .grip');
      const box = await grip.boundingBox();
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x - 40, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      const state = await frame.evaluate(timelineState);
      if (state.comp.shown) throw new Error('Component still shown');
      if (state.time.width > 150) throw new Error(`Time is ${state.time.width} px after dragging 40 px narrower`);
      return { time: state.time.width, message: state.msg.width };
    },
  );
  await shot('timeline-4-columns-resized');

  await check('F8 in the grid selects the next error; the buttons say so', async () => {
    await frame.locator('#list').focus();
    await frame.locator('#list').press('F8');
    await page.waitForTimeout(300);
    let state = await frame.evaluate(timelineState);
    if (!/sev-error/.test(state.selected || '')) throw new Error(`selected: ${state.selected}`);
    const first = state.details;
    await frame.locator('#nextError').click();
    await page.waitForTimeout(300);
    state = await frame.evaluate(timelineState);
    const title = await frame.locator('#nextError').getAttribute('title');
    return { selected: state.selected, moved: first !== state.details, button: title };
  });

  await check('follow / pause toggles; highlight rule colours matching rows', async () => {
    const before = await frame.locator('#follow').innerText();
    await frame.locator('#follow').click();
    const after = await frame.locator('#follow').innerText();
    if (before === after) throw new Error('the follow button did not toggle');
    await frame.locator('#follow').click();
    const sample = (await frame.locator('#rows .row:not([hidden]) .c-msg').nth(3).innerText()).trim().slice(0, 14);
    await frame.locator('#ruleText').fill(sample);
    await frame.locator('#ruleColor').selectOption('green');
    await frame.locator('#ruleAdd').click();
    await page.waitForTimeout(800);
    const colored = await frame.evaluate(() =>
      [...document.querySelectorAll('#rows .row.hl-green .c-msg')].map((c) => c.textContent),
    );
    if (!colored.length || !colored.every((t) => t.includes(sample)))
      throw new Error(`rows coloured for "${sample}": ${colored.slice(0, 3)}`);
    return { follow: [before, after], rule: sample, coloured: colored.length };
  });
  await shot('timeline-5-rule-dark');

  await check('wrap shows long messages on three lines; a hide rule hides its rows (and says so)', async () => {
    await frame.locator('#wrap').click();
    await page.waitForTimeout(500);
    const wrapped = await frame.evaluate(() => {
      const row = document.querySelector('#rows .row:not([hidden])');
      const msg = row.querySelector('.c-msg');
      return {
        rowHeight: Math.round(row.getBoundingClientRect().height),
        whiteSpace: getComputedStyle(msg).whiteSpace,
        tallest: Math.max(
          ...[...document.querySelectorAll('#rows .row:not([hidden]) .c-msg')].map((m) =>
            Math.round(m.getBoundingClientRect().height),
          ),
        ),
      };
    });
    await shot('timeline-5b-wrapped');
    await frame.locator('#wrap').click();
    if (wrapped.rowHeight < 40 || wrapped.whiteSpace !== 'pre-wrap') throw new Error(JSON.stringify(wrapped));
    const before = await frame.evaluate(
      () => +document.getElementById('status').textContent.split(' shown')[0].split('· ').pop().replace(/[^\d]/g, ''),
    );
    await frame.locator('#ruleText').fill('Download');
    await frame.locator('#ruleAction').selectOption('hide');
    await frame.locator('#ruleAdd').click();
    await page.waitForTimeout(800);
    const after = await frame.evaluate(() => ({
      status: document.getElementById('status').textContent,
      visible: [...document.querySelectorAll('#rows .row:not([hidden]) .c-msg')].filter((c) =>
        /download/i.test(c.textContent),
      ).length,
    }));
    const shown = +after.status.split(' shown')[0].split('· ').pop().replace(/[^\d]/g, '');
    if (!(shown < before) || after.visible || !/rules active/.test(after.status))
      throw new Error(JSON.stringify({ before, ...after }));
    // Remove it again (the last rule's ✕).
    await frame.locator('#rulesBody .rule-row button').last().click();
    await page.waitForTimeout(500);
    return { wrapped, shownBefore: before, shownWithHideRule: shown, status: after.status };
  });

  await check('light theme: rows, selection and highlight readable (screenshot)', async () => {
    await setTheme('Light Modern');
    await page.waitForTimeout(800);
    const colours = await frame.evaluate(() => ({
      body: getComputedStyle(document.body).backgroundColor,
      row: getComputedStyle(document.querySelector('#rows .row:not([hidden])')).color,
    }));
    if (!/255, 255, 255|248|250|243/.test(colours.body)) throw new Error(`not a light background: ${colours.body}`);
    return colours;
  });
  await shot('timeline-6-1600-light');

  await check('1366×768 laptop with the Explorer open: message column still the widest', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(1200);
    const state = await frame.evaluate(timelineState);
    if (state.msg.width < 300) throw new Error(`message ${state.msg.width} px of a ${state.width} px panel`);
    return {
      panel: state.width,
      list: state.list.width,
      message: state.msg.width,
      side:
        state.side && state.side.shown ? `${state.side.width}×${state.side.height} at top ${state.side.top}` : 'hidden',
    };
  });
  await shot('timeline-7-1366-light');

  await check('beside an editor (narrow panel): details below the list, never over it', async () => {
    // Double-click a record: its log opens beside the timeline, which becomes a narrow panel.
    await frame.locator('#rows .row:not([hidden])').nth(1).dblclick();
    await page.waitForTimeout(1500);
    const state = await frame.evaluate(timelineState);
    if (state.width > 1000) throw new Error(`the panel is ${state.width} px wide`);
    if (state.side.shown && state.side.top < state.list.bottom - 1)
      throw new Error(`details at ${state.side.top}, list ends at ${state.list.bottom}`);
    if (state.msg.width < state.list.width * 0.4)
      throw new Error(`the message is ${state.msg.width} px of a ${state.list.width} px list`);
    // Issue #19: the toolbar stays one row (the rest under "…"), so the list keeps most of the panel's height.
    const heights = await frame.evaluate(() => ({
      panel: window.innerHeight,
      toolbar: Math.round(document.getElementById('toolbar').getBoundingClientRect().height),
      overview: Math.round(document.getElementById('overview').getBoundingClientRect().height),
    }));
    if (heights.toolbar > 40) throw new Error(`the toolbar is ${heights.toolbar} px high in a ${state.width} px panel`);
    if (state.list.height < heights.panel * 0.55)
      throw new Error(
        `the list is ${state.list.height} px of a ${heights.panel} px panel (${JSON.stringify(heights)}, details ${state.side.height} px)`,
      );
    return {
      heights,
      listShare: `${Math.round((100 * state.list.height) / heights.panel)}%`,
      panel: state.width,
      message: state.msg.width,
      header: state.header.join(' | '),
      time: state.messages.length && (await frame.locator('#rows .row:not([hidden]) .c-time').first().innerText()),
      list: `${state.list.height} px high`,
      details: `top ${state.side.top}`,
    };
  });
  await shot('timeline-8-1366-beside-editor-light');

  await setTheme('Dark Modern');
  await shot('timeline-9-1366-beside-editor-dark');

  await check('logs are read-only by default: a keystroke in CAS.log changes nothing', async () => {
    // The log the double-click opened is the active editor.
    await page.locator('.editor-group-container.active .view-lines').first().click();
    await page.keyboard.type('x');
    await page.waitForTimeout(500);
    const dirty = await page.locator('.tabs-container .tab.active.dirty').count();
    const message = await page
      .locator('.monaco-editor-overlaymessage')
      .allInnerTexts()
      .catch(() => []);
    const locked = await page
      .locator('.tabs-container .tab.active .codicon-lock, .tabs-container .tab.active [class*="lock"]')
      .count();
    if (dirty) throw new Error('the log became dirty');
    return { dirty: false, lockOnTab: locked > 0, message: message.join(' ').slice(0, 100) };
  });
  await shot('timeline-10-readonly');

  await check(
    'narrow toolbar: "…" opens the other filters over the list (the list does not move); Escape closes it',
    async () => {
      const listTop = async () =>
        frame.evaluate(() => Math.round(document.getElementById('list').getBoundingClientRect().top));
      const before = await listTop();
      if (await frame.locator('#severities').isVisible())
        throw new Error('the severities are shown in the narrow toolbar');
      await frame.locator('#more').click();
      await frame.locator('#severities').waitFor({ state: 'visible', timeout: 5000 });
      const open = await frame.evaluate(() => ({
        expanded: document.getElementById('more').getAttribute('aria-expanded'),
        visible: ['severities', 'component', 'from', 'timeMode', 'exportCsv'].filter((id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return r.width > 0 && r.bottom <= window.innerHeight;
        }),
      }));
      const during = await listTop();
      await shot('timeline-8b-1366-more-open');
      // A control of the menu works: Errors only, then back.
      await frame.locator('#errorsOnly').click();
      const pressed = await frame.locator('#errorsOnly').getAttribute('aria-pressed');
      await frame.locator('#errorsOnly').click();
      await frame.locator('#more').press('Escape');
      await frame.locator('#severities').waitFor({ state: 'hidden', timeout: 5000 });
      if (open.expanded !== 'true' || open.visible.length !== 5 || during !== before || pressed !== 'true')
        throw new Error(JSON.stringify({ open, before, during, pressed }));
      return { ...open, listTop: before, errorsOnly: pressed };
    },
  );

  await check(
    'follow the end of a growing log (CMTrace tail): new records come into view; paused, they do not',
    async () => {
      await command(page, 'View: Show Explorer');
      await expandFolder('zz-e2e-follow');
      await explorerContextMenu(page, 'Growing.log', 'ConfigMgr: Open in Timeline');
      // The records on screen: rows drawn inside the list's box (the list also draws a few rows beyond it).
      const last = () =>
        frame.evaluate(() => {
          const box = document.getElementById('list').getBoundingClientRect();
          return [...document.querySelectorAll('#rows .row:not([hidden])')]
            .filter((r) => {
              const b = r.getBoundingClientRect();
              return b.top >= box.top - 1 && b.bottom <= box.bottom + 1;
            })
            .map((r) => r.querySelector('.c-msg').textContent)
            .filter((t) => t.startsWith('growing line'))
            .map((t) => +t.split(' ')[2]);
        });
      const waitFor = async (what, test, ms = 20000) => {
        const deadline = Date.now() + ms;
        let seen;
        while (Date.now() < deadline) {
          seen = await last().catch(() => []);
          if (test(seen)) return seen;
          await page.waitForTimeout(300);
        }
        throw new Error(`${what}: rows ${JSON.stringify(seen)}`);
      };
      if (!/on/.test(await frame.locator('#follow').innerText())) await frame.locator('#follow').click();
      await waitFor('the timeline opens at the end', (r) => r.includes(80));
      fs.appendFileSync(FOLLOW_LOG, followLines(81, 90));
      const grown = await waitFor('followed: the new records are in view', (r) => r.includes(90));
      await frame.locator('#follow').click(); // pause
      fs.appendFileSync(FOLLOW_LOG, followLines(91, 100));
      await waitFor('paused: the list still reads', () => true, 1000); // (1 ms: the loop could be skipped, a flaky failure)
      const deadline = Date.now() + 20000;
      let status = '';
      while (Date.now() < deadline && !/100 records loaded/.test(status)) {
        status = await frame.locator('#status').innerText();
        await page.waitForTimeout(300);
      }
      if (!/100 records loaded/.test(status)) throw new Error(`the 10 new records did not arrive: ${status}`);
      const paused = await last();
      if (paused.some((n) => n > 90)) throw new Error(`paused, yet the view moved on: ${paused}`);
      await shot('timeline-11b-follow-paused');
      return {
        followed: `${grown[0]}…${grown[grown.length - 1]}`,
        paused: `${paused[0]}…${paused[paused.length - 1]}`,
        status,
      };
    },
  );

  /** The rows of the timeline: time text, its marker class, the badge the stylesheet draws, and the message. */
  const timeCells = () =>
    frame.evaluate(() =>
      [...document.querySelectorAll('#rows .row:not([hidden])')].map((r) => {
        const c = r.querySelector('.c-time');
        return {
          time: c.textContent,
          cls: c.className,
          before: getComputedStyle(c, '::before').content,
          after: getComputedStyle(c, '::after').content,
          title: c.title,
          msg: r.querySelector('.c-msg').textContent,
        };
      }),
    );
  const waitForRows = async (test, what) => {
    const deadline = Date.now() + 20000;
    let rows;
    while (Date.now() < deadline) {
      rows = await timeCells().catch(() => []);
      if (test(rows)) return rows;
      await page.waitForTimeout(200);
    }
    throw new Error(`${what}: ${JSON.stringify(rows)}`);
  };

  await check(
    'time truth (#18): an IME log beside ccmsetup.log (bias -60): its times are UTC inferred, marked "~", and the details say from which log',
    async () => {
      await command(page, 'View: Show Explorer');
      await expandFolder('zz-e2e-clock');
      await explorerContextMenu(page, 'PC01', 'ConfigMgr: Open in Timeline');
      const rows = await waitForRows(
        (r) => r.length === 3 && r.some((x) => /ccmsetup started/.test(x.msg)),
        'PC01 rows',
      );
      const ime = rows.filter((r) => /Win32App/.test(r.msg));
      const ccm = rows.find((r) => /ccmsetup started/.test(r.msg));
      if (
        ime.length !== 2 ||
        !ime.every((r) => /t-inferred/.test(r.cls) && r.before === '"~"' && /inferred from ccmsetup\.log/.test(r.title))
      )
        throw new Error(`IME rows: ${JSON.stringify(ime)}`);
      if (/t-/.test(ccm.cls)) throw new Error(`ccmsetup.log writes its bias, yet is marked: ${ccm.cls}`);
      // Merged in UTC: IME 09:13 local (UTC+1) → 08:13Z, ccmsetup 09:14 local → 08:14Z, IME 09:15 → 08:15Z.
      if (rows.map((r) => r.msg.slice(0, 12)).join('|') !== '[Win32App] L|==========[ |[Win32App] E')
        throw new Error(`order: ${rows.map((r) => r.msg)}`);
      await frame.locator('#rows .row:not([hidden])', { hasText: 'Launching' }).click();
      const details = await frame.locator('#detailsBody').innerText();
      if (!/UTC inferred from ccmsetup\.log \(bias -60/.test(details))
        throw new Error(`details: ${details.slice(0, 300)}`);
      await shot('timeline-14-clock-inferred');
      return {
        times: rows.map((r) => `${r.time} ${r.before === '"~"' ? '~' : ''}`),
        details: details.split('\n').find((l) => /inferred/.test(l)),
      };
    },
  );

  await check(
    'time truth (#18): the IME log alone has no UTC: its local time is shown marked "local" (no Z), the status and details say so',
    async () => {
      await explorerContextMenu(page, 'PC02', 'ConfigMgr: Open in Timeline');
      const rows = await waitForRows(
        (r) => r.length === 2 && r.every((x) => /Win32App/.test(x.msg)) && r.every((x) => /t-local/.test(x.cls)),
        'PC02 rows marked local',
      );
      if (
        !rows.every(
          (r) => r.before === '"local"' && /unknown zone/.test(r.title) && /Set Time Offset for Folder/.test(r.title),
        )
      )
        throw new Error(JSON.stringify(rows));
      const times = rows.map((r) => r.time);
      if (!/09:13:00\.123/.test(times[0]) || !/09:15:30\.000/.test(times[1]) || times.some((t) => /Z|UTC/.test(t)))
        throw new Error(`times: ${times}`);
      const status = await frame.locator('#status').innerText();
      if (!/2 records have no time zone: placed by their local time/.test(status)) throw new Error(`status: ${status}`);
      await frame.locator('#rows .row:not([hidden])').first().click();
      const details = await frame.locator('#detailsBody').innerText();
      if (
        !/UTC\s+none \(zone unknown\)/.test(details) ||
        !/No UTC/.test(details) ||
        /2025-05-19 09:13:00\.123Z/.test(details)
      )
        throw new Error(`details: ${details.slice(0, 400)}`);
      await shot('timeline-15-clock-local-only');
      const header = await frame.locator('#header').innerText();
      if (!/Time \(local, zone unknown\)/.test(header)) throw new Error(`header: ${header}`);
      return { times, status, header: header.replace(/\n/g, ' | ') };
    },
  );

  await check(
    'time truth (#18): the local-only rows are drawn in the overview (by their local time) and caught by From/To typed in it',
    async () => {
      const span = await frame.locator('#span').innerText();
      if (!/shown/.test(span)) throw new Error(`the overview draws nothing for them: "${span}"`);
      if (!(await frame.locator('#to').isVisible())) await frame.locator('#more').click();
      await frame.locator('#to').fill('2025-05-19 09:14');
      await frame.locator('#to').dispatchEvent('change');
      const status = async () => frame.locator('#status').innerText();
      const deadline = Date.now() + 15000;
      let text = await status();
      while (Date.now() < deadline && !/ 1 shown/.test(text)) {
        await page.waitForTimeout(200);
        text = await status();
      }
      const rows = await timeCells();
      if (!/ 1 shown/.test(text) || rows.length !== 1 || !/Launching/.test(rows[0].msg))
        throw new Error(JSON.stringify({ text, rows }));
      await shot('timeline-15b-clock-local-only-to');
      await frame.locator('#to').fill('');
      await frame.locator('#to').dispatchEvent('change');
      await frame
        .locator('#more')
        .press('Escape')
        .catch(() => {});
      return { overview: span, status: text, row: rows[0].time };
    },
  );

  await check(
    'Explorer → ConfigMgr: Diagnose on a folder: the Diagnosis view shows flow → instance → steps with status icons; a step opens its log line',
    async () => {
      await explorerContextMenu(page, 'siteserver', 'ConfigMgr: Diagnose');
      const flow = page.locator('.pane-body .monaco-list-row', { hasText: 'Software updates synchronization' }).first();
      await flow.waitFor({ timeout: 60000 });
      const rows = async () =>
        page.locator('.pane-body .monaco-list-row').evaluateAll((els) =>
          els.map((e) => ({
            text: e.innerText.replace(/\s+/g, ' ').trim(),
            icon: ((e.querySelector('.custom-view-tree-node-item-icon') || {}).className || '').replace(/\s+/g, ' '),
          })),
        );
      let list = await rows();
      // The broken instance is expanded: its steps are rows; one that was seen opens the log at its line.
      const step = page.locator('.pane-body .monaco-list-row', { hasText: /WSyncMgr\.log:\d+/ }).first();
      await step.waitFor({ timeout: 10000 });
      const where = /WSyncMgr\.log:(\d+)/.exec(await step.innerText())[1];
      await step.click();
      await page
        .locator('.tabs-container .tab.active', { hasText: 'WSyncMgr.log' })
        .first()
        .waitFor({ timeout: 15000 });
      const status = (
        await page
          .locator('#status\\.editor\\.selection')
          .innerText()
          .catch(() => '')
      ).trim();
      if (!status.includes(`Ln ${where},`))
        throw new Error(`the step is WSyncMgr.log:${where}, the cursor is at ${status}`);
      await shot('timeline-12-diagnosis-view');
      // Collapsed, the flow leaves room for the last root: the files that were read.
      await flow.click();
      await page.waitForTimeout(500);
      const after = await rows();
      const files = after.find((r) => /^Files read \(\d+\)/.test(r.text));
      if (!files) throw new Error(`no "Files read": ${JSON.stringify(after.slice(0, 12))}`);
      return {
        rows: list
          .slice(0, 6)
          .map((r) => `${r.text.slice(0, 70)} [${(/codicon-([\w-]+)/.exec(r.icon) || [])[1] || ''}]`),
        files: files.text,
        step: `WSyncMgr.log:${where}`,
        cursor: status,
      };
    },
  );

  await check('Error Lookup answers in one view (no new editor column), wrapped, with Copy', async () => {
    const groupsBefore = await page.locator('.editor-group-container').count();
    for (const code of ['0x80244021', '0x87D00215']) {
      await command(page, 'ConfigMgr: Look Up Error Code');
      const input = page.locator('.quick-input-widget input');
      await input.fill(code);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(800);
    }
    const frame = await webviewFrame(
      page,
      () => !!document.getElementById('answer') && /Item not found/i.test(document.body.innerText),
      20000,
    );
    if (!frame) throw new Error('no Error Lookup view with the second answer');
    const info = await frame.evaluate(() => ({
      query: document.querySelector('h3').textContent,
      wrap: getComputedStyle(document.getElementById('answer')).whiteSpace,
      copy: !!document.getElementById('copy'),
      scripts: document.scripts.length,
    }));
    const groupsAfter = await page.locator('.editor-group-container').count();
    if (groupsAfter !== groupsBefore) throw new Error(`editor groups ${groupsBefore} → ${groupsAfter}`);
    if (info.wrap !== 'pre-wrap' || !info.copy || info.scripts) throw new Error(JSON.stringify(info));
    return { ...info, editorGroups: groupsAfter };
  });
  await shot('timeline-13-error-lookup');

  await check(
    'editor noise, light and dark: quoted strings and times are not error red; the CMTrace markup is dimmed',
    async () => {
      const out = {};
      await command(page, 'View: Show Explorer'); // the Diagnosis view took the side bar
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: /^LocationServices\.log$/ })
        .first()
        .click();
      await page
        .locator('.tabs-container .tab.active', { hasText: 'LocationServices.log' })
        .first()
        .waitFor({ timeout: 15000 });
      await page.waitForTimeout(1500); // semantic tokens and decorations arrive after the text
      for (const theme of ['Light Modern', 'Dark Modern']) {
        await setTheme(theme);
        await page.waitForTimeout(1000);
        out[theme] = await page.evaluate(() => {
          const editor = document.querySelector('.editor-group-container.active .monaco-editor');
          const spans = [...editor.querySelectorAll('.view-lines .view-line span span')];
          const colour = (pred) => {
            const s = spans.find((x) => pred(x.textContent.replace(/\u00a0/g, ' ')));
            return s
              ? {
                  text: s.textContent.slice(0, 30),
                  color: getComputedStyle(s).color,
                  opacity: getComputedStyle(s).opacity,
                }
              : null;
          };
          // A quoted string: its quotes are punctuation (dimmed), its text the span after the opening quote.
          const quoted = spans.find(
            (x) =>
              /^'$/.test(x.textContent) && x.nextElementSibling && /^[^'"]{2,}$/.test(x.nextElementSibling.textContent),
          );
          const inner = quoted ? quoted.nextElementSibling : spans.find((x) => /^'[^']{2,}/.test(x.textContent));
          return {
            string: inner
              ? {
                  text: inner.textContent.slice(0, 30),
                  color: getComputedStyle(inner).color,
                  opacity: getComputedStyle(inner).opacity,
                }
              : null,
            time: colour((t) => /^\d{2}:\d{2}:\d{2}\.\d{3}/.test(t)),
            markup: colour((t) => t.startsWith('<![LOG[')),
          };
        });
      }
      const reddish = (css) => {
        const [r, g, b] = (css.match(/\d+(\.\d+)?/g) || []).map(Number);
        return r >= 150 && g <= 110 && b <= 110;
      };
      for (const [theme, o] of Object.entries(out)) {
        if (!o.string || !o.time || !o.markup) throw new Error(`${theme}: tokens not found ${JSON.stringify(o)}`);
        if (reddish(o.string.color) || reddish(o.time.color))
          throw new Error(`${theme}: red-looking ${JSON.stringify(o)}`);
        if (!(Number(o.markup.opacity) < 1)) throw new Error(`${theme}: markup not dimmed ${JSON.stringify(o.markup)}`);
      }
      return out;
    },
  );
  await shot('timeline-11-editor-dark');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[timeline-ui] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
