#!/usr/bin/env node
// Scale test of the cross-log timeline: 1,000,000 records in eight generated CMTrace logs (scale-logs.js, seeded,
// into the git-ignored .cache/scale/), the PACKAGED extension in code-server, driven in headless Chromium like a
// user: right-click the folder in the Explorer → "ConfigMgr: Open in Timeline", then scroll, filter and jump.
//
//   node test/e2e/scale.test.js [--vsix FILE] [--records N]
//
// Measures (and bounds, generous for a busy 2-core machine): time to the first rows, time until the status says
// every record is loaded, the number of DOM rows (virtualised), scrolling to the very end with the LAST record
// fully visible, the errors-only and a text filter (their counts must be what the generator wrote), and the jump
// from a row to its line in the editor; then a 60 MB log (over VS Code's 50 MB limit for extensions) opened in
// the editor joins "ConfigMgr: Open Timeline" and its last record opens at its line. Before all that, logs of 15 and
// 48 MB opened in the editor (see "Big logs in the editor" below; CMLOGS_SCALE_EDITOR_MB).
// Figures: test-results/scale-results.json; screenshots: test-results/screenshots-scale/. Exit 1 when a check fails.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCodeServer } = require('../../scripts/e2e/with-code-server');
const { launch } = require('../../scripts/e2e/chromium');
const {
  generateScaleLogs,
  writeBigLog,
  writeMixedLog,
  LAST_TEXT,
  BIG_LAST_TEXT,
  MIXED_FIRST_TEXT,
  MIXED_LAST_TEXT,
} = require('./scale-logs');
const { checkRun, command, explorerContextMenu, quickOpen, vsixPath, webviewFrame, ROOT } = require('./workbench');

const SCALE_DIR = path.join(ROOT, '.cache/scale');
const RESULTS = path.join(ROOT, 'test-results/scale-results.json');
const MENU_ITEM = 'ConfigMgr: Open in Timeline';

/** Upper bounds in milliseconds (and rows): several times what a loaded 2-core machine needs. */
const BOUNDS = {
  firstRowsMs: 60000,
  allLoadedMs: 150000,
  domRows: 200,
  scrollEndMs: 1000,
  errorsFilterMs: 3000,
  textFilterMs: 3000,
  jumpMs: 30000,
  bigLogLoadedMs: 90000,
  bigJumpMs: 30000,
  // A log opened in the editor (editorLogs): its text, its colour on the first screen and after Ctrl+End, and
  // the status bar's counts (the log's, from the server).
  textMs: 60000,
  colourTopMs: 120000,
  colourBottomMs: 30000,
  countsMs: 120000,
  hoverMs: 45000, // the first log's hover waits for the extension to start
  // CMLOGS_SCALE_FOLDER_GB: a small log opened while a 1 GB folder's timeline loads (0.4 s when nothing loads)
  smallLogWhileLoadingMs: 5000,
  folderGbLoadedMs: 300000,
  previousProblemMs: 20000,
};
/**
 * Resident memory (MB) of the language server and of the extension host with a log of `mb` MB open: a base, and
 * so much per MB of log. Measured (2026-12-07, four runs of 15/35/48 MB): server 103-186 MB, extension host
 * 174-451 MB (it keeps VS Code's own copy of the text, and the JSON of the didOpen passes through it).
 */
/**
 * What the extension may add to the extension host's memory with a log of `mb` MB open, against the same steps in a
 * session without it (MB). Measured 2026-12-07: +16 MB with the 15 MB log, +19 MB with the 48 MB log (VS Code's
 * own copy of the text is most of the extension host: 218 and 378 MB without the extension). A second copy of a
 * 48 MB log's text kept by the extension would be 48-96 MB more.
 */
const EXTENSION_HOST_ADDED_MB = (mb) => 60 + 1.5 * mb;
/** MB of logs opened so far in the editor session (the memory budgets count them all). */
let openedMB = 0;
const RSS_BUDGET = {
  /** How much the server may grow while one log is opened and looked at, per MB of that log (+ 40 MB). */
  serverGrowthPerMB: 3,
  serverMB: (mb) => 160 + 3 * mb,
  extensionHostMB: (mb) => 300 + 6 * mb,
};
/**
 * A log over VS Code's 50 MB limit: the editor shows it but extensions get no document, so the server reads it.
 * CMLOGS_SCALE_BIG_MB=1000 runs the same checks on a 1 GB log (by hand: it adds minutes), its load bounded at half
 * a second per MB. There is no row cap: the server pages the rows and the webview holds a window (issues #20,
 * #23), so the renderer's memory is measured (rendererMb*) and stays that of a window whatever the size.
 */
const BIG_LOG_BYTES = +(process.env.CMLOGS_SCALE_BIG_MB || 60) * 1e6;
BOUNDS.bigLogLoadedMs = Math.max(BOUNDS.bigLogLoadedMs, (BIG_LOG_BYTES / 1e6) * 500);

const run = checkRun('scale', path.join(ROOT, 'test-results/screenshots-scale'));
const figures = {};
let chromiumProfile = '';

/**
 * The resident memory (MB) of the browser's renderer processes, the largest and all together: the processes of the
 * Chromium whose command line names this run's profile, and their descendants with --type=renderer.
 */
function rendererMemory() {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' }).stdout || '';
  const procs = ps
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter(Boolean)
    .map((m) => ({ pid: +m[1], ppid: +m[2], rssKb: +m[3], args: m[4] }));
  const ours = new Set(procs.filter((p) => chromiumProfile && p.args.includes(chromiumProfile)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (!ours.has(p.pid) && ours.has(p.ppid)) {
        ours.add(p.pid);
        grew = true;
      }
  }
  const renderers = procs.filter((p) => ours.has(p.pid) && p.args.includes('--type=renderer'));
  const mb = (kb) => Math.round(kb / 1024);
  return {
    largest: mb(Math.max(0, ...renderers.map((p) => p.rssKb))),
    total: mb(renderers.reduce((n, p) => n + p.rssKb, 0)),
    processes: renderers.length,
  };
}

/** The webview's JavaScript heap (MB; Chromium's performance.memory), or null. */
async function webviewHeapMb(frame) {
  const bytes = await frame.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : null));
  return bytes === null ? null : Math.round(bytes / 1e6);
}

/** The numbers in the webview's status line: "1,000 of 1,000,000 records loaded… · 1,000 shown · 8 files". */
function readStatus() {
  const text = document.getElementById('status').textContent;
  const num = (s) => Number(String(s).replace(/[^\d]/g, ''));
  const m = /^([\d.,\s\u202f]+?)(?: of ([\d.,\s\u202f]+?))? records loaded(…?) · ([\d.,\s\u202f]+?) shown/.exec(text);
  // "… records loaded…" while loading; "N of M records loaded" without the ellipsis when the panel holds the latest N
  return m
    ? {
        text,
        loaded: num(m[1]),
        total: m[2] ? num(m[2]) : num(m[1]),
        loading: !!m[3],
        latestOnly: / only the latest /.test(text),
        shown: num(m[4]),
      }
    : { text };
}

/** In the webview: runs `action` and waits (frame by frame) until the status shows `shown` rows; returns ms. */
async function timedUntilShown(frame, action, shown) {
  return frame.evaluate(
    async ({ action, shown, readStatus }) => {
      const read = new Function(`return (${readStatus})()`);
      const raf = () => new Promise((r) => requestAnimationFrame(() => r()));
      const t0 = performance.now();
      if (action.click) document.getElementById(action.click).click();
      if (action.text !== undefined) {
        const input = document.getElementById('text');
        input.value = action.text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      for (;;) {
        await raf();
        const s = read();
        if (s.shown === shown && document.querySelector('#rows .row:not([hidden])'))
          return { ms: performance.now() - t0, status: s.text };
        if (performance.now() - t0 > 30000) throw new Error(`still "${s.text}" after 30 s (want ${shown} shown)`);
      }
    },
    { action, shown, readStatus: readStatus.toString() },
  );
}

/** In the webview: the rendered row whose message starts with `text`, and whether all of it can be seen. */
function rowVisibility(text) {
  const list = document.getElementById('list').getBoundingClientRect();
  const row = [...document.querySelectorAll('#rows .row:not([hidden])')].find((r) =>
    r.querySelector('.c-msg').textContent.startsWith(text),
  );
  if (!row) return { found: false };
  const r = row.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const inside = r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5 && r.bottom <= window.innerHeight + 0.5;
  return {
    found: true,
    fully: inside && !!hit && row.contains(hit),
    rowTop: Math.round(r.top),
    rowBottom: Math.round(r.bottom),
    listBottom: Math.round(list.bottom),
    windowHeight: window.innerHeight,
  };
}

/** In the webview: scrolls the list to the very end and waits until the last record is rendered; returns ms. */
async function scrollToEnd(frame, text) {
  return frame.evaluate(
    async ({ text, rowVisibility }) => {
      const visible = new Function(`return (${rowVisibility})(${JSON.stringify(text)})`);
      const raf = () => new Promise((r) => requestAnimationFrame(() => r()));
      const list = document.getElementById('list');
      const t0 = performance.now();
      list.scrollTop = list.scrollHeight;
      for (let i = 0; i < 300; i++) {
        await raf();
        const v = visible();
        if (v.found)
          return {
            ms: performance.now() - t0,
            ...v,
            scrollTop: list.scrollTop,
            scrollHeight: list.scrollHeight,
            clientHeight: list.clientHeight,
          };
      }
      throw new Error(
        `the last record was not rendered after 300 frames (scrollTop ${list.scrollTop} of ${list.scrollHeight})`,
      );
    },
    { text, rowVisibility: rowVisibility.toString() },
  );
}

function within(name, value) {
  figures[name] = Math.round(value);
  if (!(value < BOUNDS[name])) throw new Error(`${name} = ${Math.round(value)} is not under ${BOUNDS[name]}`);
}

/**
 * When VS Code began to activate the extension (the extension host's log, wall clock of this machine) and why (the
 * activation event), or null.
 */
function activationStarted(cs) {
  const logs = path.join(cs.runDir, 'user-data', 'logs');
  let files = [];
  try {
    files = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('exthost.log'));
  } catch {
    return null;
  }
  for (const file of files) {
    const text = fs.readFileSync(path.join(logs, file), 'utf8');
    const m =
      /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[\w+\] ExtensionService#_doActivateExtension cmlogs\.[^\n]*?activationEvent: '([^']*)'/m.exec(
        text,
      );
    // The log's local time, as this process reads local time.
    if (m) return { at: new Date(`${m[1]}T${m[2]}`).getTime(), event: m[3] };
  }
  return null;
}

/**
 * Where the first rows' time went (wall clock ms): activation (from the extension host's log) and the webview
 * document's start (its performance.timeOrigin) against the click, and first rows from each.
 */
async function firstRowsBreakdown(cs, frame, clickedAt, rowsAt) {
  const activation = activationStarted(cs);
  const webviewAt = Math.round(await frame.evaluate(() => performance.timeOrigin));
  // The webview's own marks (media/src): its script's start, 'ready' sent, 'begin' and the first page received.
  const marks = await frame.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('cmlogs.'))
        .reverse()
        .map((m) => [m.name.slice(7), Math.round(m.startTime)]),
    ),
  );
  const out = {
    load: os.loadavg().map((l) => +l.toFixed(2)),
    clickToWebviewDocMs: webviewAt - clickedAt,
    webviewDocToRowsMs: rowsAt - webviewAt,
    webviewMarksMs: marks,
  };
  if (activation) {
    out.activationEvent = activation.event;
    out.activationToClickMs = clickedAt - activation.at;
    out.firstRowsFromActivationMs = rowsAt - activation.at;
  }
  return out;
}

async function openTimeline(page, manifest, cs) {
  let frame;
  await run.check(`Explorer → "${MENU_ITEM}" on the folder: first rows`, async () => {
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'logs' })
      .first()
      .waitFor({ timeout: 60000 });
    const { clickedAt: t0 } = await explorerContextMenu(page, 'logs', MENU_ITEM);
    frame = await webviewFrame(page, () => !!document.querySelector('#rows .row:not([hidden])'), BOUNDS.firstRowsMs);
    if (!frame) throw new Error(`no timeline rows within ${BOUNDS.firstRowsMs / 1000} s`);
    const rowsAt = Date.now();
    within('firstRowsMs', rowsAt - t0);
    figures.openedAt = t0;
    if (cs) figures.firstRowsBreakdown = await firstRowsBreakdown(cs, frame, t0, rowsAt);
    return {
      firstRowsMs: figures.firstRowsMs,
      breakdown: figures.firstRowsBreakdown,
      status: (await frame.evaluate(readStatus)).text,
    };
  });
  if (!frame) return null;
  await run.shot('1-first-rows');
  await run.check(`all ${manifest.records.toLocaleString('en-US')} records loaded`, async () => {
    let s;
    for (;;) {
      s = await frame.evaluate(readStatus);
      if (!s.loading && s.loaded === manifest.records && s.shown === manifest.records) break;
      if (Date.now() - figures.openedAt > BOUNDS.allLoadedMs)
        throw new Error(`status after ${BOUNDS.allLoadedMs / 1000} s: ${s.text}`);
      await page.waitForTimeout(100);
    }
    within('allLoadedMs', Date.now() - figures.openedAt);
    await page.waitForTimeout(1000); // the overview's counts arrive after the rows
    const renderer = rendererMemory();
    figures.rendererMbLoaded = renderer.largest;
    figures.rendererMbLoadedTotal = renderer.total;
    figures.webviewHeapMbLoaded = await webviewHeapMb(frame);
    return { allLoadedMs: figures.allLoadedMs, status: s.text, renderer, webviewHeapMb: figures.webviewHeapMbLoaded };
  });
  return frame;
}

async function checkList(page, frame, manifest) {
  await run.check('the list is virtualised (few DOM rows)', async () => {
    const rows = await frame.evaluate(() => document.querySelectorAll('#rows .row').length);
    within('domRows', rows);
    return { domRows: rows };
  });
  await run.check('scroll to the very end: the LAST record is fully visible', async () => {
    const v = await scrollToEnd(frame, LAST_TEXT);
    within('scrollEndMs', v.ms);
    if (!v.fully) throw new Error(`the last record is not fully visible: ${JSON.stringify(v)}`);
    return v;
  });
  await run.shot('2-end');
  await run.check('keyboard End selects the last record and shows it whole', async () => {
    await frame.locator('#list').focus();
    await page.keyboard.press('End');
    await page.waitForTimeout(300);
    const v = await frame.evaluate(rowVisibility, LAST_TEXT);
    const selected = await frame.evaluate(
      () => (document.querySelector('#rows .row.selected .c-msg') || {}).textContent || '',
    );
    if (!v.fully || !selected.startsWith(manifest.last.text))
      throw new Error(`after End: ${JSON.stringify({ ...v, selected })}`);
    return v;
  });
}

async function checkFilters(frame, manifest) {
  await run.check(`errors only: exactly the ${manifest.errors} error records`, async () => {
    const r = await timedUntilShown(frame, { click: 'errorsOnly' }, manifest.errors);
    within('errorsFilterMs', r.ms);
    const bad = await frame.evaluate(
      () =>
        [...document.querySelectorAll('#rows .row:not([hidden])')].filter((e) => !e.classList.contains('sev-error'))
          .length,
    );
    if (bad) throw new Error(`${bad} rendered rows are not errors`);
    return r;
  });
  await run.shot('3-errors-only');
  await timedUntilShown(frame, { click: 'errorsOnly' }, manifest.records);
  await run.check(`text filter ${manifest.needle}: exactly ${manifest.needleRecords} records`, async () => {
    const r = await timedUntilShown(frame, { text: manifest.needle.toLowerCase() }, manifest.needleRecords);
    within('textFilterMs', r.ms);
    return { ...r, note: 'includes the 200 ms typing debounce' };
  });
  await run.shot('4-text-filter');
  await timedUntilShown(frame, { text: '' }, manifest.records);
}

async function checkJump(page, frame, manifest) {
  await run.check(
    `double-click the last record → ${manifest.last.file}:${manifest.last.line} in the editor`,
    async () => {
      await scrollToEnd(frame, LAST_TEXT);
      const row = frame
        .locator('#rows .row:not([hidden])', { has: frame.locator('.c-msg', { hasText: LAST_TEXT }) })
        .first();
      const t0 = Date.now();
      await row.dblclick();
      const status = await waitForCursor(page, manifest.last.file, manifest.last.line, BOUNDS.jumpMs);
      within('jumpMs', Date.now() - t0);
      await page.locator('.view-lines', { hasText: 'SCALE-LAST-RECORD' }).first().waitFor({ timeout: 10000 });
      return { jumpMs: figures.jumpMs, status };
    },
  );
  await run.shot('5-jump');
}

/** Waits until the status line of the timeline says the line at `line` (1-based) of `file` has the cursor. */
async function waitForCursor(page, file, line, timeout) {
  await page.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout });
  const selection = page.locator('#status\\.editor\\.selection');
  const t0 = Date.now();
  let status = '';
  while (Date.now() - t0 < timeout) {
    status = (await selection.innerText().catch(() => '')).trim();
    if (status.includes(`Ln ${line},`)) return status;
    await page.waitForTimeout(100);
  }
  throw new Error(`the cursor is at "${status}", not line ${line}`);
}

/**
 * A log over 50 MB opened in the editor: "ConfigMgr: Open Timeline" takes it from its tab (there is no document),
 * the server reads it from disk, and a double-click on its last record opens that line. Written only now, so that
 * the figures above are those of the 1M-record folder alone.
 */
async function checkBigLog(page, frame) {
  const file = path.join(SCALE_DIR, 'big', 'CcmExec.log');
  const big = writeBigLog(file, BIG_LOG_BYTES);
  run.lap(
    `${path.relative(ROOT, file)}: ${(big.bytes / 1e6).toFixed(0)} MB, ${big.records.toLocaleString('en-US')} records`,
  );
  await run.check(
    `a ${(big.bytes / 1e6).toFixed(0)} MB log (no document for extensions) joins "ConfigMgr: Open Timeline" from its tab`,
    async () => {
      await quickOpen(page, 'CcmExec.log', 'big');
      const t0 = Date.now();
      await command(page, 'ConfigMgr: Open Timeline');
      const hasBig = () =>
        [...document.querySelectorAll('#filesBody .file-name')].some((e) => e.textContent === 'CcmExec.log');
      if (!(await webviewFrame(page, hasBig, BOUNDS.bigLogLoadedMs)))
        throw new Error("CcmExec.log is not among the timeline's files");
      let s;
      for (;;) {
        s = await frame.evaluate(readStatus);
        // All rows, or, over the panel's limit, the latest ones (the big log's last record among them).
        if (!s.loading && s.total >= big.records && s.shown === s.loaded && (s.loaded === s.total || s.latestOnly))
          break;
        if (Date.now() - t0 > BOUNDS.bigLogLoadedMs)
          throw new Error(`status after ${BOUNDS.bigLogLoadedMs / 1000} s: ${s.text}`);
        await page.waitForTimeout(100);
      }
      within('bigLogLoadedMs', Date.now() - t0);
      await page.waitForTimeout(1000);
      const renderer = rendererMemory();
      figures.rendererMbBigLog = renderer.largest;
      figures.rendererMbBigLogTotal = renderer.total;
      figures.webviewHeapMbBigLog = await webviewHeapMb(frame);
      return {
        bigLogLoadedMs: figures.bigLogLoadedMs,
        status: s.text,
        renderer,
        webviewHeapMb: figures.webviewHeapMbBigLog,
      };
    },
  );
  await run.check(`double-click the big log's last record → CcmExec.log:${big.lastLine}`, async () => {
    await scrollToEnd(frame, BIG_LAST_TEXT);
    const row = frame
      .locator('#rows .row:not([hidden])', { has: frame.locator('.c-msg', { hasText: BIG_LAST_TEXT }) })
      .first();
    const t0 = Date.now();
    await row.dblclick();
    const status = await waitForCursor(page, 'CcmExec.log', big.lastLine, BOUNDS.bigJumpMs);
    within('bigJumpMs', Date.now() - t0);
    return { bigJumpMs: figures.bigJumpMs, status };
  });
  await run.shot('6-big-log');
}

// ---- Big logs in the editor (issue #23) --------------------------------------------------------------------------
// Logs opened in the editor, one after the other in one window: 15 and 48 MB by default (CI), CMLOGS_SCALE_EDITOR_MB
// ="15,35,48" for the README's table, "" for none; with CMLOGS_SCALE_FOLDER_GB=1 a small log opened in a folder of
// 1 GB of logs, then that folder's timeline with a small log of another folder opened while it loads
// (folderTimelineWhileEditing). Each: its text, its colour on the first screen and the last, a hover, the status
// bar's counts, the Problems counter (the newest problems listed, a note for the rest), and the memory of the server
// and extension host; then the same logs in a session without the extension (editorLogsWithoutExtension).
// Over 20 MiB VS Code does not tokenize (editor.largeFileOptimizations): the colour then comes from the language
// server's semantic tokens, by range. Over 50 MiB VS Code gives extensions no document at all: no extension can
// colour such a log.
const EDITOR_LOG_MBS = (process.env.CMLOGS_SCALE_EDITOR_MB ?? '15,48')
  .split(',')
  .map(Number)
  .filter((mb) => mb > 0);
const FOLDER_GB = +(process.env.CMLOGS_SCALE_FOLDER_GB || 0);
/**
 * The editor logs' name before "-<MB>MB.log": ClientEditor, a name VS Code does not know, so the log opens as `log`
 * and becomes `cmlog` by its first line (detectLanguage.ts); CMLOGS_SCALE_EDITOR_NAME=CcmExec gives it a ConfigMgr
 * log's rolled-over name (CcmExec-48MB.log: `CcmExec-[0-9]*.log`), which opens as `cmlog` at once, so VS Code
 * reads the `[cmlog]` settings (editor.largeFileOptimizations) when it creates the editor's model.
 */
const EDITOR_LOG_NAME = process.env.CMLOGS_SCALE_EDITOR_NAME || 'ClientEditor';

/**
 * In the page: the visible lines of the active editor, whether `marker` is among them, and their GUIDs: how many,
 * and how many are coloured (rendered with another class than the editor's plain text, mtk1).
 */
function visibleColour(marker) {
  const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
  if (!editor) return { lines: 0, hasMarker: false, guids: 0, coloured: 0 };
  const lines = [...editor.querySelectorAll('.view-lines .view-line')];
  const guid = /^\{?[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}?$/i;
  let guids = 0;
  let coloured = 0;
  const classes = new Set();
  for (const line of lines)
    for (const span of line.querySelectorAll('span > span')) {
      classes.add(span.className);
      if (!guid.test(span.textContent.replace(/\u00a0/g, ' ').trim())) continue;
      guids++;
      if (span.className !== 'mtk1') coloured++;
    }
  const text = lines.map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n'); // the editor renders spaces as NBSP
  return { lines: lines.length, hasMarker: text.includes(marker), guids, coloured, classes: classes.size };
}

/** Waits (polling the page) until `done(state)` for visibleColour(marker); returns the ms and the state. */
async function waitForColour(page, marker, done, bound, what) {
  const t0 = Date.now();
  let state;
  for (;;) {
    state = await page.evaluate(visibleColour, marker);
    if (done(state)) return { ms: Date.now() - t0, state };
    if (Date.now() - t0 > bound) throw new Error(`${what} not within ${bound / 1000} s: ${JSON.stringify(state)}`);
    await page.waitForTimeout(50);
  }
}

const allColoured = (s) => s.hasMarker && s.guids > 0 && s.coloured === s.guids;

/** Resident set (MB) of code-server's language server and extension host (processes of its group, by command line). */
function rssOf(cs) {
  const out = { serverMB: null, extensionHostMB: null };
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== cs.pgid) continue;
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      const mb = rss ? Math.round(Number(rss[1]) / 1024) : null;
      if (/server[\\/]out[\\/]server\.js/.test(cmd)) out.serverMB = mb;
      else if (/--type=extensionHost/.test(cmd)) out.extensionHostMB = mb;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The status bar's ConfigMgr item ("N records, E errors, W warnings") and VS Code's own Problems counter. */
async function statusCounts(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('.statusbar-item')].map((e) => e.textContent.trim());
    const problems = document.getElementById('status.problems');
    return { items, problems: problems ? problems.textContent.trim() : null };
  });
}

/**
 * Quick Open on `file`, tried again when its row did not come: file search is slow while code-server indexes the
 * 256 MB scale folder on a loaded machine (a full CI-like run missed the 15 MB log once).
 */
async function openInEditor(page, file) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await quickOpen(page, path.basename(file), path.basename(path.dirname(file)));
    } catch (e) {
      if (attempt === 3 || !/has no row|Timeout/.test(String(e && e.message))) throw e;
      run.lap(`Quick Open had no row for ${path.basename(file)} (try ${attempt}): again`);
    }
  }
}

/** In the page: the centre of the first GUID on the active editor's screen, or null. */
function firstGuidOnScreen() {
  const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
  const guid = /^\{?[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}?$/i;
  for (const span of editor ? editor.querySelectorAll('.view-lines .view-line span > span') : []) {
    if (!guid.test(span.textContent.replace(/\u00a0/g, ' ').trim())) continue;
    const r = span.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2, text: span.textContent.trim() };
  }
  return null;
}

/** Moves the mouse onto the first GUID on screen until VS Code shows a hover about it; returns the ms and its text. */
async function hoverFirstGuid(page, bound) {
  const t0 = Date.now();
  for (;;) {
    // Monaco re-renders a line's spans when tokens arrive: the span is looked up again at each try.
    const target = await page.evaluate(firstGuidOnScreen);
    if (target) {
      await page.mouse.move(5, 5);
      await page.mouse.move(target.x, target.y);
      await page.mouse.move(target.x + 1, target.y);
      const hover = page.locator('.monaco-hover:visible', { hasText: /Appears (\d|only here)/ }).first();
      const shown = await hover.waitFor({ state: 'visible', timeout: 3000 }).then(
        () => true,
        () => false,
      );
      if (shown) {
        const text = (await hover.innerText()).trim();
        await page.mouse.move(5, 5);
        return { ms: Date.now() - t0, guid: target.text, text: text.split('\n').slice(0, 8).join(' | ') };
      }
    }
    if (Date.now() - t0 > bound)
      throw new Error(
        `no hover on ${target ? target.text : 'a GUID (none on screen)'} within ${bound / 1000} s; hovers: ${JSON.stringify(await page.locator('.monaco-hover').allInnerTexts())}`,
      );
  }
}

/**
 * In the page: starts recording the workbench's long tasks (main-thread work over 50 ms: what keeps the editor from
 * answering a key or a scroll) from now, forgetting those before.
 */
function recordLongTasks() {
  window.cmlogsLongTasks = [];
  if (window.cmlogsLongTaskObserver) return;
  window.cmlogsLongTaskObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.cmlogsLongTasks?.push(Math.round(e.duration));
  });
  window.cmlogsLongTaskObserver.observe({ type: 'longtask' });
}

/** In the page: the long tasks since recordLongTasks: how many, their sum and the longest (ms). */
function longTasks() {
  const all = window.cmlogsLongTasks || [];
  return { count: all.length, totalMs: all.reduce((n, d) => n + d, 0), longestMs: Math.max(0, ...all) };
}

/** The line (1-based) of the cursor, from the status bar's "Ln 12, Col 3". */
async function cursorLine(page) {
  const text = await page
    .locator('#status\\.editor\\.selection')
    .innerText()
    .catch(() => '');
  const m = /Ln (\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

/** VS Code's Problems counter in the status bar ("324  676  1"): errors, warnings, infos it lists. */
function problemsListed(counter) {
  const [errors, warnings, infos] = (counter || '').match(/\d[\d,]*/g)?.map((n) => Number(n.replace(/,/g, ''))) ?? [];
  return { errors, warnings, infos };
}

/** The Problems panel's cap (cmlogs.diagnostics.maxPerFile, default). */
const PROBLEMS_CAP = 1000;

/**
 * Opens `file` in the editor and measures text, colour (top, then bottom after Ctrl+End), a hover, the previous
 * problem from the end, the counts and the memory.
 */
async function checkEditorLog(page, cs, file, info, label) {
  const name = path.basename(file);
  const key = `editor${label}`;
  figures[key] = { bytes: info.bytes, records: info.records, errors: info.errors, warnings: info.warnings };
  const f = figures[key];
  const mb = info.bytes / 1e6;
  await run.check(`${label}: ${name} opened → its text, then its colour on the first screen`, async () => {
    f.serverMBBefore = rssOf(cs).serverMB;
    await page.evaluate(recordLongTasks);
    const t0 = (f.openedAt = Date.now());
    await openInEditor(page, file);
    const text = await waitForColour(page, MIXED_FIRST_TEXT, (s) => s.hasMarker, BOUNDS.textMs, 'the text');
    f.textMs = Date.now() - t0;
    const top = await waitForColour(page, MIXED_FIRST_TEXT, allColoured, BOUNDS.colourTopMs, 'the colour');
    f.colourTopMs = Date.now() - t0;
    return { textMs: f.textMs, colourTopMs: f.colourTopMs, visible: top.state, atText: text.state };
  });
  await run.shot(`editor-${label}-top`);
  await run.check(`${label}: a hover on a GUID of the first screen says where else it appears`, async () => {
    const hover = await hoverFirstGuid(page, BOUNDS.hoverMs);
    within('hoverMs', hover.ms);
    f.hoverMs = hover.ms;
    return hover;
  });
  await run.check(`${label}: Ctrl+End → the last lines coloured`, async () => {
    await page.locator('.editor-group-container.active .view-lines').first().click(); // the keys go to the editor
    await page.keyboard.press('Control+End');
    const bottom = await waitForColour(page, MIXED_LAST_TEXT, allColoured, BOUNDS.colourBottomMs, 'the colour');
    f.colourBottomMs = bottom.ms;
    return { colourBottomMs: f.colourBottomMs, visible: bottom.state };
  });
  await run.shot(`editor-${label}-bottom`);
  await run.check(
    `${label}: from the end, "Go to Previous Problem" stops near the end (the newest are listed)`,
    async () => {
      // Problems are ~4.5% of the generated records: one in the last 1,000 lines is all but certain. Listing the
      // oldest problems instead (the cap before #23) stops ~20,000 lines into a 48 MB log.
      const t0 = Date.now();
      const end = await cursorLine(page);
      await command(page, 'Go to Previous Problem (Error, Warning, Info)');
      let line = end;
      while (line === end && Date.now() - t0 < BOUNDS.previousProblemMs) {
        await page.waitForTimeout(200);
        line = await cursorLine(page);
      }
      await page.keyboard.press('Escape');
      within('previousProblemMs', Date.now() - t0);
      f.previousProblemLine = line;
      if (!(line < end && line > info.lastLine - 1000))
        throw new Error(`the cursor went from line ${end} to ${line}, not to a problem of the last 1,000 lines`);
      return { from: end, to: line };
    },
  );
  await run.check(
    `${label}: the status bar counts the log's ${info.errors} errors and ${info.warnings} warnings`,
    async () => {
      const errors = info.errors.toLocaleString('en-US');
      const warnings = info.warnings.toLocaleString('en-US');
      const t0 = Date.now();
      let counts;
      for (;;) {
        counts = await statusCounts(page);
        const mine = counts.items.find((t) => t.includes(info.records.toLocaleString('en-US')));
        if (mine && mine.includes(errors) && mine.includes(warnings)) break;
        if (Date.now() - t0 > BOUNDS.countsMs) throw new Error(`status bar: ${JSON.stringify(counts)}`);
        await page.waitForTimeout(200);
      }
      f.problemsCounter = counts.problems; // VS Code's counter: what the Problems panel lists
      return { problemsCounter: f.problemsCounter };
    },
  );
  await run.check(
    `${label}: the Problems panel lists the newest ${PROBLEMS_CAP} problems and a note, or all`,
    async () => {
      const listed = problemsListed(f.problemsCounter);
      const problems = info.errors + info.warnings;
      const ok =
        problems > PROBLEMS_CAP
          ? listed.errors + listed.warnings === PROBLEMS_CAP && listed.infos >= 1
          : listed.errors === info.errors && listed.warnings === info.warnings;
      if (!ok)
        throw new Error(`Problems counter "${f.problemsCounter}" for ${info.errors} errors, ${info.warnings} warnings`);
      return listed;
    },
  );
  await run.check(`${label}: memory of the server and the extension host within budget`, async () => {
    Object.assign(f, rssOf(cs));
    // Not bounded, reported: what the browser holds and how busy its main thread was since the open (the editor
    // tokenizing a big log itself when editor.largeFileOptimizations is off for it, #23).
    f.renderer = rendererMemory();
    f.longTasksSinceOpen = await page.evaluate(longTasks);
    f.measuredAfterOpenMs = Date.now() - f.openedAt; // the session without the extension measures as late
    // The logs opened before in this session count too: the server keeps a closed log's index (within
    // cmlogs.index.memoryBudgetMB) and VS Code its document for a while.
    const sessionMB = (f.sessionMB = openedMB += mb);
    const budget = {
      serverMB: RSS_BUDGET.serverMB(sessionMB),
      extensionHostMB: RSS_BUDGET.extensionHostMB(sessionMB),
    };
    f.serverMBPerLogMB = f.serverMB === null ? null : +(f.serverMB / mb).toFixed(2);
    f.serverMBGrewWhileOpen = f.serverMBBefore === null ? null : f.serverMB - f.serverMBBefore; // null: not started
    const over = Object.keys(budget).filter((k) => f[k] === null || !(f[k] <= budget[k]));
    if (over.length) throw new Error(`over budget: ${JSON.stringify({ measured: rssOf(cs), budget, sessionMB })}`);
    // What this log cost the server: opening a small log must not read the logs beside it (issue #23: 1.1 GB read).
    if (f.serverMBBefore !== null && !(f.serverMBGrewWhileOpen <= 40 + RSS_BUDGET.serverGrowthPerMB * mb))
      throw new Error(`the server grew ${f.serverMBGrewWhileOpen} MB while ${name} (${mb.toFixed(1)} MB) was open`);
    return {
      serverMB: f.serverMB,
      serverMBBefore: f.serverMBBefore,
      extensionHostMB: f.extensionHostMB,
      renderer: f.renderer,
      longTasksSinceOpen: f.longTasksSinceOpen,
      budget,
      sessionMB: Math.round(sessionMB),
    };
  });
  await command(page, 'View: Close All Editors');
  await page.waitForTimeout(1000);
}

/**
 * Writes the logs the editor checks open, before code-server starts: Quick Open did not always list a file
 * written into the workspace while it ran (2 of 3 runs missed the 48 MB one).
 */
function writeEditorLogs() {
  const logs = EDITOR_LOG_MBS.map((mb) => {
    const file = path.join(SCALE_DIR, 'editor', `${EDITOR_LOG_NAME}-${mb}MB.log`);
    return { file, info: writeMixedLog(file, mb * 1e6), label: `${mb}MB` };
  });
  if (FOLDER_GB) {
    // A small log among 1 GB of others: what opening it costs must not depend on the folder (nothing else is read).
    const folder = path.join(SCALE_DIR, 'gb');
    const parts = Math.ceil((FOLDER_GB * 1000) / 50);
    folderGbRecords = 0;
    for (let i = 0; i < parts; i++)
      folderGbRecords += writeMixedLog(path.join(folder, `Other-${i}.log`), 50e6, 1000 + i).records;
    const file = path.join(folder, 'LocationServicesGB.log');
    const small = writeMixedLog(file, 300e3);
    folderGbRecords += small.records;
    logs.push({ file, info: small, label: `${FOLDER_GB}GBfolder` });
    // Opened while the folder's timeline loads (folderTimelineWhileEditing), from another folder.
    writeMixedLog(path.join(SCALE_DIR, 'editor', 'SmallWhileLoading.log'), 300e3, 7);
  }
  for (const { file, info } of logs)
    run.lap(`${path.relative(ROOT, file)}: ${(info.bytes / 1e6).toFixed(1)} MB, ${info.records} records`);
  return logs;
}

async function editorLogs(page, cs, logs) {
  for (const { file, info, label } of logs) await checkEditorLog(page, cs, file, info, label);
  if (FOLDER_GB) await folderTimelineWhileEditing(page, cs);
}

/** The timeline webview's status now, or null when its panel is not there (yet). */
async function timelineStatus(page) {
  for (const f of page.frames()) {
    const st = await f.evaluate(() => (document.getElementById('status') ? 1 : 0)).catch(() => 0);
    if (st) return f.evaluate(readStatus).catch(() => null);
  }
  return null;
}

/** Records written into the 1 GB folder (CMLOGS_SCALE_FOLDER_GB). */
let folderGbRecords = 0;

/**
 * With CMLOGS_SCALE_FOLDER_GB: "ConfigMgr: Open in Timeline" on the 1 GB folder, and while it loads, a small log of
 * another folder opened in the editor (issue #23: 4 s to show it while the timeline loaded, 0.4 s otherwise). Figures:
 * the first rows, all rows, the records the panel holds against the folder's, the renderer's memory, the small log's
 * time to text and to its first coloured screen (against the same-size log opened before, with nothing loading).
 */
async function folderTimelineWhileEditing(page, cs) {
  const g = (figures.folderGb = {
    records: folderGbRecords,
    otherwiseTextMs: figures[`editor${FOLDER_GB}GBfolder`]?.textMs,
  });
  let frame;
  await run.check(
    `${FOLDER_GB} GB folder: Open in Timeline, and a small log opened while it loads shows at once`,
    async () => {
      const { clickedAt: t0 } = await explorerContextMenu(page, 'gb', MENU_ITEM);
      figures.folderGbClicked = t0;
      // The first rows are waited for while the small log is opened at once (the timeline is loading then).
      const rows = webviewFrame(
        page,
        () => !!document.querySelector('#rows .row:not([hidden])'),
        BOUNDS.firstRowsMs,
      ).then((found) => ((g.firstRowsMs = Date.now() - t0), found));
      // The panel takes the focus as it opens: Quick Open before that was closed under the typing.
      await page.locator('.tabs-container .tab', { hasText: 'Timeline: gb' }).waitFor({ timeout: 30000 });
      await page.waitForTimeout(500);
      const t1 = Date.now();
      await openInEditor(page, path.join(SCALE_DIR, 'editor', 'SmallWhileLoading.log'));
      await waitForColour(page, MIXED_FIRST_TEXT, (st) => st.hasMarker, BOUNDS.textMs, "the small log's text");
      g.smallLogTextMs = Date.now() - t1;
      const statusWhenShown = await timelineStatus(page);
      await waitForColour(page, MIXED_FIRST_TEXT, allColoured, BOUNDS.colourTopMs, "the small log's colour");
      g.smallLogColourMs = Date.now() - t1;
      await run.shot('folder-gb-small-log');
      frame = await rows;
      if (!frame) throw new Error(`no timeline rows within ${BOUNDS.firstRowsMs / 1000} s`);
      const before = statusWhenShown || { text: '(the timeline panel was not there yet)', loading: true };
      const after = await frame.evaluate(readStatus);
      g.stillLoadingWhenShown = !!before.loading;
      if (!before.loading) throw new Error(`the timeline had loaded before the small log showed: ${before.text}`);
      if (!(g.smallLogTextMs < BOUNDS.smallLogWhileLoadingMs))
        throw new Error(`the small log took ${g.smallLogTextMs} ms to show (bound ${BOUNDS.smallLogWhileLoadingMs})`);
      return {
        firstRowsMs: g.firstRowsMs,
        smallLogTextMs: g.smallLogTextMs,
        smallLogColourMs: g.smallLogColourMs,
        otherwiseTextMs: g.otherwiseTextMs,
        statusWhenSmallLogShown: before.text,
        statusAfterItsColour: after.text,
      };
    },
  );
  if (!frame) return;
  await run.check(`${FOLDER_GB} GB folder: every record loaded, the renderer's memory`, async () => {
    let st;
    for (;;) {
      st = await frame.evaluate(readStatus);
      if (st.loaded && !st.loading) break;
      if (Date.now() - figures.folderGbClicked > BOUNDS.folderGbLoadedMs) throw new Error(`status: ${st.text}`);
      await page.waitForTimeout(250);
    }
    g.allRowsMs = Date.now() - figures.folderGbClicked;
    g.loaded = st.loaded;
    g.total = st.total;
    g.latestOnly = st.latestOnly;
    await page.waitForTimeout(1000);
    g.renderer = rendererMemory();
    g.serverMB = rssOf(cs).serverMB;
    await run.shot('folder-gb-timeline');
    if (g.loaded !== g.records || g.total !== g.records)
      throw new Error(`the panel holds ${g.loaded} of ${g.total} records; the folder has ${g.records}: ${st.text}`);
    return { allRowsMs: g.allRowsMs, status: st.text, renderer: g.renderer, serverMB: g.serverMB };
  });
}

/**
 * The same logs, in the same order, in a code-server session WITHOUT the extension: opened, Ctrl+End, and the
 * extension host's memory read as long after the open as in the session with it. What the extension adds to the
 * extension host is the difference: VS Code keeps its own copy of every document under 50 MB in the extension host
 * whether an extension uses it or not.
 */
async function editorLogsWithoutExtension(page, cs, logs) {
  for (const { file, label } of logs) {
    const f = figures[`editor${label}`];
    if (!f || !f.extensionHostMB || !f.measuredAfterOpenMs) continue; // the session with the extension did not get there
    await run.check(
      `${label}: the extension host with the extension vs without it (same log, same steps)`,
      async () => {
        await page.evaluate(recordLongTasks);
        const t0 = Date.now();
        await openInEditor(page, file);
        await waitForColour(page, MIXED_FIRST_TEXT, (s) => s.hasMarker, BOUNDS.textMs, 'the text');
        await page.locator('.editor-group-container.active .view-lines').first().click();
        await page.keyboard.press('Control+End');
        await waitForColour(page, MIXED_LAST_TEXT, (s) => s.hasMarker, BOUNDS.colourBottomMs, 'the last lines');
        await page.waitForTimeout(Math.max(0, f.measuredAfterOpenMs - (Date.now() - t0)));
        f.extensionHostMBWithoutExtension = rssOf(cs).extensionHostMB;
        f.rendererWithoutExtension = rendererMemory();
        f.longTasksWithoutExtension = await page.evaluate(longTasks);
        const mb = f.bytes / 1e6;
        f.extensionHostMBAdded = f.extensionHostMB - f.extensionHostMBWithoutExtension;
        f.extensionHostMBAddedPerLogMB = +(f.extensionHostMBAdded / mb).toFixed(2);
        const budget = EXTENSION_HOST_ADDED_MB(f.sessionMB ?? mb); // the logs before it are still in both
        const detail = {
          with: f.extensionHostMB,
          without: f.extensionHostMBWithoutExtension,
          added: f.extensionHostMBAdded,
          addedPerLogMB: f.extensionHostMBAddedPerLogMB,
          budget,
          renderer: { with: f.renderer, without: f.rendererWithoutExtension },
          longTasksSinceOpen: { with: f.longTasksSinceOpen, without: f.longTasksWithoutExtension },
        };
        if (!(f.extensionHostMBAdded <= budget))
          throw new Error(`the extension adds too much: ${JSON.stringify(detail)}`);
        return detail;
      },
    );
    await command(page, 'View: Close All Editors');
    await page.waitForTimeout(1000);
  }
}

/** Starts code-server with the packaged extension on SCALE_DIR, opens it in Chromium, runs `body`, stops both. */
async function inSession(name, vsix, body) {
  const cs = await startCodeServer({
    name,
    vsix,
    folder: SCALE_DIR,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'workbench.editor.enablePreview': false,
      'workbench.editorLargeFileConfirmation': 1024,
    },
  });
  run.lap(`code-server (${name}) with ${vsix ? path.basename(vsix) : 'no extension'} at ${cs.url}`);
  const hard = setTimeout(
    () => {
      console.error('[scale] HARD TIMEOUT (E2E_SCALE_TIMEOUT_MS): stopping');
      cs.stop().finally(() => process.exit(124));
    },
    +(process.env.E2E_SCALE_TIMEOUT_MS || 600000),
  );
  let context;
  try {
    chromiumProfile = path.join(cs.runDir, 'chromium', 'user-data');
    context = await launch(path.join(cs.runDir, 'chromium'));
    const page = (run.state.page = context.pages()[0] || (await context.newPage()));
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(SCALE_DIR)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await body(page, cs);
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
    clearTimeout(hard);
  }
}

async function timelineChecks(page, manifest, cs) {
  const frame = await openTimeline(page, manifest, cs);
  // CMLOGS_SCALE_ONLY=first-rows: the first rows and all loaded only (to measure them again and again quickly).
  if (!frame || process.env.CMLOGS_SCALE_ONLY === 'first-rows') return;
  await checkList(page, frame, manifest);
  await checkFilters(frame, manifest);
  await checkJump(page, frame, manifest);
  await checkBigLog(page, frame);
}

async function main() {
  const argv = process.argv.slice(2);
  const records = argv.includes('--records') ? Number(argv[argv.indexOf('--records') + 1]) : 1_000_000;
  const vsix = vsixPath(argv, run.lap);
  const tGen = Date.now();
  const manifest = generateScaleLogs(SCALE_DIR, records);
  figures.generateMs = Date.now() - tGen;
  run.lap(
    `${manifest.records.toLocaleString('en-US')} records in ${manifest.files.length} logs (${(manifest.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(0)} MB) in ${path.relative(ROOT, SCALE_DIR)}/logs; ${manifest.errors} errors, ${manifest.needleRecords} with the needle`,
  );

  fs.rmSync(path.join(SCALE_DIR, 'big'), { recursive: true, force: true }); // the big log is written later (checkBigLog)
  for (const dir of ['editor', 'gb']) fs.rmSync(path.join(SCALE_DIR, dir), { recursive: true, force: true });
  const editorOnly = process.env.CMLOGS_SCALE_ONLY === 'editor';
  const editorLogFiles = writeEditorLogs();
  // Two sessions, each in a fresh code-server and browser: the timeline's figures (first rows, renderer memory,
  // the jump) must not carry the editor logs' renderer and server memory, nor the editor's the timeline's index.
  if (!editorOnly) await inSession('scale', vsix, (page, cs) => timelineChecks(page, manifest, cs));
  if (editorLogFiles.length) {
    await inSession('scale-editor', vsix, (page, cs) => editorLogs(page, cs, editorLogFiles));
    await inSession('scale-editor-bare', null, (page, cs) => editorLogsWithoutExtension(page, cs, editorLogFiles));
  }
  delete figures.openedAt;
  delete figures.folderGbClicked;
  const out = {
    ok: run.ok(),
    records: manifest.records,
    files: manifest.files.length,
    bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    figures,
    bounds: BOUNDS,
    ...run.results,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2));
  run.lap(`figures: ${JSON.stringify(figures)}`);
  const failed = run.results.checks.filter((c) => !c.ok);
  run.lap(
    `${run.results.checks.length - failed.length}/${run.results.checks.length} scale checks passed; ${path.relative(ROOT, RESULTS)}`,
  );
  return out.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[scale] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
