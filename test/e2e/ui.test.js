#!/usr/bin/env node
// UI test of the PACKAGED extension, as a user sees it: code-server with the .vsix installed into a fresh
// extensions folder, driven in Debian's headless Chromium with playwright-core.
//
//   node test/e2e/ui.test.js [--vsix FILE]      (default: <name>-<version>.vsix, built by scripts/package.js if missing)
//
// Checks: the samples folder is open; a log with error records shows them coloured as errors (token colour and
// the CMTrace-style line background); the hover on an HRESULT decodes it; "ConfigMgr: Open Timeline" shows
// records of two logs; in a ~500 px wide panel its toolbar is one compact row with the rest behind "…";
// double-clicking a record opens its line in the editor. Then issue #19's last edges: highlight / hide rules as
// editor decorations (each rule's colour on exactly the lines it matches, read from the DOM with their line
// numbers; hidden lines dimmed; changed rules redrawn) at 1600×1000 and 1366×768, dark and light; user
// `editor.tokenColorCustomizations` and the extension's colours together; the Diagnosis view's share of the
// ConfigMgr side bar (Error Lookup collapsed until used); logs read-only however they open (Quick Open, Explorer
// preview, Open to the Side, a Diagnosis step, a timeline double-click: a click and a key at once change
// nothing), and `cmlogs.readOnly: false` letting the user edit.
// Screenshots: test-results/screenshots/*.png; results: test-results/ui-results.json. Exit 1 when a check fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startCodeServer } = require('../../scripts/e2e/with-code-server');
const { launch } = require('../../scripts/e2e/chromium');
const {
  checkRun,
  command: paletteCommand,
  explorerContextMenu,
  quickOpen: openByName,
  setTheme: pickTheme,
  toolbarProblems,
  vsixPath,
  webviewFrame: findFrame,
} = require('./workbench');

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SAMPLES = path.join(ROOT, 'samples');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
const RESULTS = path.join(ROOT, 'test-results/ui-results.json');
const HRESULT = '0x80244021';
const run = checkRun('ui', SHOTS);
const { results, lap, shot, check } = run;
let page;

const command = (title) => paletteCommand(page, title);
const quickOpen = (name, folderHint) => openByName(page, name, folderHint);
const setTheme = (label) => pickTheme(page, label);
/** The highlight rules live in the workspace's settings (samples/.vscode/settings.json): saved and put back. */
const WORKSPACE_SETTINGS = path.join(SAMPLES, '.vscode/settings.json');
let userSettingsFile;
/** The logs the read-only checks type into (checked unchanged on disk at the end). */
const TYPED_INTO = [
  'client/LocationServices.log',
  'client/PolicyAgent.log',
  'client/StateMessage.log',
  'client/UpdatesStore.log',
  'siteserver/WSyncMgr.log',
  'siteserver/SoftwareDistribution.log',
];

/** The rendered editor line (DOM) whose text contains `needle`: its top offset and its spans with colours. */
function editorLine(needle) {
  return page.evaluate((needle) => {
    // the editor renders spaces as U+00A0
    const text = (node) => node.textContent.replace(/\u00a0/g, ' ');
    const editor =
      document.querySelector('.editor-group-container.active .monaco-editor') ||
      document.querySelector('.monaco-editor');
    const line = [...editor.querySelectorAll('.view-lines .view-line')].find((l) => text(l).includes(needle));
    if (!line) return null;
    const spans = [...line.querySelectorAll(':scope > span > span')].map((s) => ({
      text: text(s),
      className: s.className,
      color: getComputedStyle(s).color,
    }));
    // whole-line decorations live in .view-overlays, one div per line at the same `top`
    const overlay = [...editor.querySelectorAll('.view-overlays > div')].find((d) => d.style.top === line.style.top);
    const backgrounds = overlay
      ? [...overlay.querySelectorAll('div')]
          .map((d) => ({ className: d.className, background: getComputedStyle(d).backgroundColor }))
          .filter((b) => b.background && b.background !== 'rgba(0, 0, 0, 0)')
      : [];
    return { top: line.style.top, text: text(line), spans, backgrounds };
  }, needle);
}

const rgb = (css) => (css.match(/\d+(\.\d+)?/g) || []).map(Number);
const reddish = (css) => {
  const [r, g, b] = rgb(css);
  return r >= 180 && g <= 130 && b <= 130;
};

const webviewFrame = (predicate, timeout) => findFrame(page, predicate, timeout);

async function main() {
  const argv = process.argv.slice(2);
  const vsix = vsixPath(argv, lap);

  const cs = await startCodeServer({
    name: 'ui',
    vsix,
    folder: SAMPLES,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'workbench.editor.enablePreview': false,
      // VS Code in the browser saves after a delay by default: the logs typed into must never be written.
      'files.autoSave': 'off',
    },
  });
  results.vsix = path.relative(ROOT, vsix);
  userSettingsFile = path.join(cs.userDataDir, 'User/settings.json');
  const savedWorkspaceSettings = fs.existsSync(WORKSPACE_SETTINGS) ? fs.readFileSync(WORKSPACE_SETTINGS) : null;
  const typedLogs = new Map(TYPED_INTO.map((f) => [f, fs.readFileSync(path.join(SAMPLES, f))]));
  lap(`code-server with ${path.basename(vsix)} at ${cs.url}`);
  const hard = setTimeout(
    () => {
      console.error('[ui] HARD TIMEOUT (E2E_UI_TIMEOUT_MS): stopping');
      cs.stop().finally(() => process.exit(124));
    },
    +(process.env.E2E_UI_TIMEOUT_MS || 600000),
  );

  let context;
  try {
    context = await launch(path.join(cs.runDir, 'chromium'));
    page = run.state.page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));

    await check('the workbench opens the samples folder', async () => {
      await page.goto(`${cs.url}/?folder=${encodeURIComponent(SAMPLES)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: 'siteserver' })
        .waitFor({ timeout: 60000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'client' }).first().waitFor();
      const installed = fs.readdirSync(cs.extensionsDir).filter((d) => d.startsWith(`${pkg.publisher}.${pkg.name}`));
      if (!installed.length) throw new Error(`the .vsix is not installed in ${cs.extensionsDir}`);
      return `explorer shows client/ and siteserver/; installed ${installed.join(', ')}`;
    });

    await check('WUAHandler.log opens as a ConfigMgr log', async () => {
      await quickOpen('WUAHandler.log', 'client');
      await page.locator('.view-lines', { hasText: 'Scan failed with error' }).first().waitFor({ timeout: 30000 });
      const mode = page.locator('#status\\.editor\\.mode');
      await mode.waitFor({ timeout: 15000 });
      const text = (await mode.innerText()).trim();
      if (!/ConfigMgr|cmlog|CMTrace/i.test(text)) throw new Error(`language mode in the status bar: ${text}`);
      return `language mode "${text}"`;
    });

    await check('the error record is coloured as an error (token colour and line background)', async () => {
      let last;
      const deadline = Date.now() + 30000;
      // semantic tokens and decorations arrive once the language server has parsed the file
      while (Date.now() < deadline) {
        const error = await editorLine(`Scan failed with error = ${HRESULT}`);
        const info = await editorLine('Async searching completed.');
        last = { error, info };
        if (error && error.spans.length) {
          const msg = error.spans.find((s) => s.text.includes('Scan failed'));
          const infoMsg = info && info.spans.find((s) => s.text.includes('Async searching completed'));
          const red = msg && reddish(msg.color);
          const background = error.backgrounds.find((b) => reddish(b.background.replace(/,\s*[\d.]+\)$/, ')')));
          if (
            red &&
            background &&
            infoMsg &&
            infoMsg.color !== msg.color &&
            !(info && info.backgrounds.some((b) => reddish(b.background.replace(/,\s*[\d.]+\)$/, ')'))))
          ) {
            return {
              tokenColour: msg.color,
              lineBackground: background.background,
              infoLineColour: infoMsg && infoMsg.color,
            };
          }
        }
        await page.waitForTimeout(500);
      }
      throw new Error(`not coloured as an error: ${JSON.stringify(last).slice(0, 1500)}`);
    });
    await shot('1-error-line');

    await check(`hover on ${HRESULT} decodes it`, async () => {
      const hover = page.locator('.monaco-hover:visible', { hasText: /WU.?_E.?_PT.?_HTTP.?_STATUS.?_BAD.?_GATEWAY/ });
      const target = page.locator('.view-lines .view-line span span', { hasText: HRESULT }).first();
      // a hover before VS Code has activated the extension shows nothing and is not retried: move away and back
      for (let i = 0; ; i++) {
        // Monaco re-renders a line's spans when its semantic tokens arrive: a span found a moment ago may be gone.
        await target.waitFor({ state: 'visible', timeout: 10000 }).catch(() => {});
        const box = await target.boundingBox();
        if (!box) {
          if (i >= 15) throw new Error(`${HRESULT} is not on screen`);
          continue;
        }
        const text = await target.innerText();
        const x = box.x + box.width * ((text.indexOf(HRESULT) + 4) / Math.max(text.length, 1));
        await page.mouse.move(5, 5);
        await page.mouse.move(x, box.y + box.height / 2);
        await page.mouse.move(x + 1, box.y + box.height / 2);
        try {
          await hover.first().waitFor({ state: 'visible', timeout: 2000 });
          break;
        } catch (e) {
          if (i >= 15)
            throw new Error(
              `no decoding hover; hovers: ${JSON.stringify(await page.locator('.monaco-hover').allInnerTexts())}`,
            );
        }
      }
      await page.waitForTimeout(300);
      const text = (await hover.first().innerText()).trim();
      results.hoverText = text;
      await shot('2-hover');
      return text.split('\n').slice(0, 3).join(' | ');
    });
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');

    let frame;
    await check('Open Timeline shows records from two logs', async () => {
      await quickOpen('ScanAgent.log', 'client');
      await command('ConfigMgr: Open Timeline');
      await page
        .locator('.tabs-container .tab', { hasText: /Timeline/ })
        .first()
        .waitFor({ timeout: 20000 });
      frame = await webviewFrame(() => {
        const files = [...document.querySelectorAll('#rows .row:not([hidden]) .c-file')].map((c) => c.textContent);
        return files.includes('WUAHandler.log') && files.includes('ScanAgent.log');
      });
      if (!frame) throw new Error('no webview frame with rows of WUAHandler.log and ScanAgent.log');
      await page.waitForTimeout(500);
      const counts = await frame.evaluate(() => {
        const c = {};
        for (const cell of document.querySelectorAll('#rows .row:not([hidden]) .c-file'))
          c[cell.textContent] = (c[cell.textContent] || 0) + 1;
        return c;
      });
      const tab = (await page.locator('.tabs-container .tab.active').innerText()).trim();
      return { tab, visibleRowsPerFile: counts };
    });
    await shot('3-timeline');

    await check(
      'in a ~500 px wide panel the toolbar is one compact row: every control whole, none overlapping, the rest behind "…"',
      async () => {
        if (!frame) throw new Error('no timeline');
        const wide = await frame.evaluate(() => window.innerWidth);
        await page.setViewportSize({ width: Math.max(700, 1400 - (wide - 500)), height: 900 });
        let layout;
        for (let i = 0; i < 20; i++) {
          await page.waitForTimeout(250);
          layout = await frame.evaluate(toolbarProblems);
          layout.more = await frame.evaluate(() => {
            const more = document.getElementById('more');
            return (
              !!more && more.getBoundingClientRect().width > 0 && more.getAttribute('aria-controls') === 'toolbarMore'
            );
          });
          const width = await frame.evaluate(() => window.innerWidth);
          layout.panelWidth = width;
          if (Math.abs(width - 500) <= 40 && !layout.problems.length) break;
        }
        await shot('3b-timeline-narrow');
        await page.setViewportSize({ width: 1400, height: 900 });
        if (Math.abs(layout.panelWidth - 500) > 40)
          throw new Error(`the panel is ${layout.panelWidth} px wide, not ~500`);
        if (layout.problems.length) throw new Error(layout.problems.join('; '));
        // Narrow panels keep the list's height: the toolbar is one compact row, the other controls behind "…".
        if (layout.height > 60) throw new Error(`the toolbar takes ${layout.height} px in a narrow panel`);
        if (!layout.more) throw new Error('no "…" button for the controls that do not fit');
        return layout;
      },
    );
    await page.waitForTimeout(500);

    await check('double-clicking a timeline record opens its line in the editor', async () => {
      if (!frame) throw new Error('no timeline');
      const row = frame
        .locator('#rows .row:not([hidden])', { has: frame.locator('.c-file', { hasText: /^ScanAgent\.log$/ }) })
        .nth(2);
      const message = (await row.locator('.c-msg').innerText()).trim();
      await row.click();
      const details = await frame
        .locator('#detailsBody')
        .innerText()
        .catch(() => '');
      const m = /ScanAgent\.log:(\d+)/.exec(details);
      await row.dblclick();
      await page.locator('.tabs-container .tab.active', { hasText: 'ScanAgent.log' }).waitFor({ timeout: 15000 });
      const selection = page.locator('#status\\.editor\\.selection');
      await selection.waitFor({ timeout: 10000 });
      const deadline = Date.now() + 10000;
      let status = '';
      while (Date.now() < deadline) {
        status = (await selection.innerText()).trim();
        if (!m || status.includes(`Ln ${m[1]},`)) break;
        await page.waitForTimeout(200);
      }
      if (m && !status.includes(`Ln ${m[1]},`))
        throw new Error(`the record is ScanAgent.log:${m[1]} but the cursor is at "${status}"`);
      const current = await page.evaluate(() => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        const cur = editor && editor.querySelector('.view-overlays .current-line');
        const top = cur && cur.parentElement.style.top;
        const line = top && [...editor.querySelectorAll('.view-lines .view-line')].find((l) => l.style.top === top);
        return line ? line.textContent.replace(/\u00a0/g, ' ') : null;
      });
      const probe = message.replace(/\u00a0/g, ' ').slice(0, 40);
      if (current !== null && !current.includes(probe))
        throw new Error(`the cursor line "${current.slice(0, 120)}" is not the record "${probe}"`);
      return { record: m ? `ScanAgent.log:${m[1]}` : '(details not shown)', status, message: probe };
    });
    await shot('4-timeline-reveal');
    await readingChecks();
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
    clearTimeout(hard);
    // The samples are the repository's: a log a check typed into is put back as it was (and the check fails).
    for (const [file, bytes] of typedLogs)
      if (!fs.readFileSync(path.join(SAMPLES, file)).equals(bytes)) {
        fs.writeFileSync(path.join(SAMPLES, file), bytes);
        results.checks.push({ name: `${file} is unchanged on disk`, ok: false, error: 'it was written: put back' });
      }
    if (savedWorkspaceSettings) fs.writeFileSync(WORKSPACE_SETTINGS, savedWorkspaceSettings);
    else {
      fs.rmSync(WORKSPACE_SETTINGS, { force: true });
      if (fs.existsSync(path.dirname(WORKSPACE_SETTINGS)) && !fs.readdirSync(path.dirname(WORKSPACE_SETTINGS)).length)
        fs.rmdirSync(path.dirname(WORKSPACE_SETTINGS));
    }
  }

  results.ok = run.ok();
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
  const failed = results.checks.filter((c) => !c.ok);
  lap(
    `${results.checks.length - failed.length}/${results.checks.length} UI checks passed; screenshots in ${path.relative(ROOT, SHOTS)}/ (${results.screenshots.map((s) => path.basename(s)).join(', ')})`,
  );
  return results.ok ? 0 : 1;
}

/** Writes the workspace's settings (samples/.vscode/settings.json), as a user editing them does. */
function writeWorkspaceSettings(settings) {
  fs.mkdirSync(path.dirname(WORKSPACE_SETTINGS), { recursive: true });
  fs.writeFileSync(WORKSPACE_SETTINGS, JSON.stringify(settings, null, 2));
}

/** Changes the user's settings (the profile's settings.json): `changes` keys with undefined are removed. */
function changeUserSettings(changes) {
  const settings = JSON.parse(fs.readFileSync(userSettingsFile, 'utf8'));
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete settings[key];
    else settings[key] = value;
  }
  fs.writeFileSync(userSettingsFile, JSON.stringify(settings, null, 2));
}

/**
 * The lines the active editor shows, read from the DOM: line number (margin), text, the backgrounds of the
 * whole-line overlays, the opacity of the text's spans; and the CSS colour of every rule colour in this theme.
 */
function editorLinesInPage(colours) {
  const editor = document.querySelector('.editor-group-container.active .monaco-editor');
  const numbers = new Map();
  for (const d of editor.querySelectorAll('.margin-view-overlays > div')) {
    const n = d.querySelector('.line-numbers');
    if (n) numbers.set(d.style.top, +n.textContent);
  }
  const overlays = new Map();
  for (const d of editor.querySelectorAll('.view-overlays > div'))
    overlays.set(
      d.style.top,
      [...d.querySelectorAll('div')].map((x) => getComputedStyle(x).backgroundColor),
    );
  const probe = (name) => {
    const d = document.createElement('div');
    d.style.backgroundColor = `var(--vscode-cmlogs-rule-${name})`;
    editor.appendChild(d);
    const css = getComputedStyle(d).backgroundColor;
    d.remove();
    return css;
  };
  const box = editor.querySelector('.view-lines').parentElement.getBoundingClientRect();
  const lines = [...editor.querySelectorAll('.view-lines .view-line')]
    .filter((l) => {
      const r = l.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    })
    .map((l) => ({
      n: numbers.get(l.style.top),
      text: l.textContent.replace(/\u00a0/g, ' '),
      backgrounds: overlays.get(l.style.top) || [],
      opacities: [...l.querySelectorAll('span span')]
        .filter((x) => x.textContent.trim())
        .map((x) => +getComputedStyle(x).opacity),
    }))
    .sort((a, b) => a.n - b.n);
  return { colours: Object.fromEntries(colours.map((c) => [c, probe(c)])), lines };
}

const RULE_COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'];

/** What the rules promise for a line, computed here (not by the product): its colour, and whether it is left out. */
function expectedForLine(rules, text) {
  const matches = (r) =>
    r.regex ? new RegExp(r.text, 'i').test(text) : text.toLowerCase().includes(r.text.toLowerCase());
  const highlight = rules.find((r) => (r.action || 'highlight') === 'highlight' && matches(r));
  const only = rules.filter((r) => r.action === 'only');
  const left = rules.some((r) => r.action === 'hide' && matches(r)) || (only.length > 0 && !only.some(matches));
  return { colour: highlight ? highlight.color : null, left };
}

/**
 * Waits until the editor's decorations are exactly what `rules` promise on every line in view: a rule's colour
 * on the lines it matches and on no other, dimmed (opacity 0.3) exactly the lines a hide / show-only rule
 * leaves out. Returns line numbers per colour and the dimmed ones.
 */
async function expectEditorRules(rules, what) {
  const deadline = Date.now() + 15000;
  let problems = [];
  let state;
  while (Date.now() < deadline) {
    state = await page.evaluate(editorLinesInPage, RULE_COLOURS);
    problems = [];
    const byColour = {};
    const dimmed = [];
    for (const line of state.lines) {
      const want = expectedForLine(rules, line.text);
      const have = RULE_COLOURS.filter((c) => line.backgrounds.includes(state.colours[c]));
      if (want.colour ? have.join() !== want.colour : have.length)
        problems.push(`line ${line.n}: colour ${have.join('+') || 'none'}, wanted ${want.colour || 'none'}`);
      const isDimmed = line.opacities.length > 0 && line.opacities.every((o) => o <= 0.31);
      const anyDimmed = line.opacities.some((o) => o <= 0.31);
      if (want.left ? !isDimmed : anyDimmed)
        problems.push(`line ${line.n}: ${isDimmed ? 'dimmed' : 'not dimmed'} (${line.opacities.join(',')})`);
      for (const c of have) (byColour[c] = byColour[c] || []).push(line.n);
      if (isDimmed) dimmed.push(line.n);
    }
    const matched = state.lines.filter((l) => expectedForLine(rules, l.text).colour).length;
    if (state.lines.length >= 10 && !problems.length && (matched || !rules.length))
      return { linesInView: `${state.lines[0].n}-${state.lines[state.lines.length - 1].n}`, byColour, dimmed };
    await page.waitForTimeout(300);
  }
  throw new Error(
    `${what}: ${problems.slice(0, 8).join('; ') || `${state && state.lines.length} lines in view, none matched`}`,
  );
}

/** The editor group whose active tab is `name`, and that tab. */
const groupOf = (name) =>
  page
    .locator('.editor-group-container', { has: page.locator('.tabs-container .tab.active', { hasText: name }) })
    .filter({ has: page.locator('.monaco-editor .view-lines') }) // not the timeline's group ("Timeline: name")
    .first();

/**
 * Clicks into the text of the log `name` (its line 3) and types at once, as a stray keystroke does; then reads
 * whether the tab became dirty and whether the line changed.
 */
async function typeInto(name, keys = 'x') {
  const group = groupOf(name);
  await group.waitFor({ timeout: 15000 });
  const line = group.locator('.view-lines .view-line').nth(2);
  const before = (await line.innerText()).replace(/\u00a0/g, ' ');
  // 40 px into the text the editor shows, on that line: a long line's own box starts off screen when the editor is
  // scrolled sideways (a click at its x 40 hit nothing, once in CI). Read in one go in the page (Monaco re-renders
  // its lines at any moment).
  let point = null;
  for (let attempt = 0; !point && attempt < 25; attempt++) {
    if (attempt) await page.waitForTimeout(200);
    point = await line
      .evaluate((el) => {
        const text = el.closest('.editor-scrollable');
        return text && { x: text.getBoundingClientRect().left + 40, y: el.getBoundingClientRect().top + 5 };
      })
      .catch(() => null);
  }
  if (!point) throw new Error(`line 3 of ${name} is not on screen`);
  await page.mouse.click(point.x, point.y);
  await page.keyboard.type(keys);
  await page.waitForTimeout(800);
  const after = (await group.locator('.view-lines .view-line').nth(2).innerText()).replace(/\u00a0/g, ' ');
  const dirty = (await group.locator('.tabs-container .tab.dirty', { hasText: name }).count()) > 0;
  const message = (
    await page
      .locator('.monaco-editor-overlaymessage')
      .allInnerTexts()
      .catch(() => [])
  ).join(' ');
  const at = Math.max(
    0,
    [...before].findIndex((c, i) => c !== after[i]),
  );
  return {
    dirty,
    changed: before !== after,
    ...(before !== after ? { before: before.slice(at, at + 30), after: after.slice(at, at + 30) } : {}),
    message: message.trim().slice(0, 60),
  };
}

async function expandExplorerFolder(name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name}$`) }).first();
  await row.waitFor({ timeout: 30000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

/** Issue #19's last edges: rules as editor decorations, read-only logs however opened, token colours, the side bar. */
async function readingChecks() {
  const RULES = [
    { text: 'Async searching', color: 'green' },
    { text: 'Update \\((Missing|Installed)\\)', regex: true, color: 'blue' },
    { text: 'search criteria', action: 'hide' },
  ];
  const layouts = [
    { width: 1600, height: 1000, theme: 'Dark Modern' },
    { width: 1600, height: 1000, theme: 'Light Modern' },
    { width: 1366, height: 768, theme: 'Light Modern' },
    { width: 1366, height: 768, theme: 'Dark Modern' },
  ];
  await check(
    'highlight and hide rules as editor decorations: colours exactly on the matching lines, hidden lines dimmed; 1600×1000 and 1366×768, dark and light',
    async () => {
      await quickOpen('WUAHandler.log', 'client');
      await page.keyboard.press('Control+Home');
      writeWorkspaceSettings({ 'cmlogs.highlightRules': RULES });
      const out = {};
      for (const l of layouts) {
        await page.setViewportSize({ width: l.width, height: l.height });
        await setTheme(l.theme);
        const key = `${l.width}x${l.height} ${l.theme}`;
        out[key] = await expectEditorRules(RULES, key);
        await shot(`5-rules-${l.width}-${l.theme.split(' ')[0].toLowerCase()}`);
      }
      return out;
    },
  );

  await check(
    'changing the rules changes the decorations: a new colour, a show-only rule, then no rules at all',
    async () => {
      const changed = [
        { text: 'Async searching', color: 'purple' },
        { text: 'Update \\((Missing|Installed)\\)', regex: true, color: 'blue' },
        { text: 'scan', action: 'only' },
      ];
      writeWorkspaceSettings({ 'cmlogs.highlightRules': changed });
      const recoloured = await expectEditorRules(changed, 'after the change');
      if (recoloured.byColour.green) throw new Error(`green is left on ${recoloured.byColour.green}`);
      await shot('5b-rules-changed-1366-dark');
      writeWorkspaceSettings({ 'cmlogs.highlightRules': [] });
      const none = await expectEditorRules([], 'without rules');
      return { recoloured, none };
    },
  );

  await check(
    'user token colour customizations and ours coexist: a user textMateRules rule applies, strings and times keep the theme-neutral colours (dark and light)',
    async () => {
      changeUserSettings({
        'editor.tokenColorCustomizations': {
          textMateRules: [{ scope: 'constant.language.guid', settings: { foreground: '#ff00ff' } }],
        },
      });
      await page.setViewportSize({ width: 1600, height: 1000 });
      const out = {};
      try {
        for (const theme of ['Light Modern', 'Dark Modern']) {
          await setTheme(theme);
          const deadline = Date.now() + 15000;
          let colours;
          for (;;) {
            colours = await page.evaluate(() => {
              const editor = document.querySelector('.editor-group-container.active .monaco-editor');
              const spans = [...editor.querySelectorAll('.view-lines .view-line span span')];
              // The shortest span holding the text: a token of its own when it has its own colour, else the
              // span it was merged into (the editor joins neighbours of one colour).
              const colour = (test) => {
                const s = spans
                  .filter((x) => test(x.textContent.replace(/\u00a0/g, ' ')))
                  .sort((a, b) => a.textContent.length - b.textContent.length)[0];
                return s ? getComputedStyle(s).color : null;
              };
              return {
                guid: colour((t) => /\{?[0-9A-F]{8}-[0-9A-F]{4}-/i.test(t)),
                string: colour((t) => t.includes('Software')),
                time: colour((t) => /\d{2}:\d{2}:\d{2}\.\d{3}/.test(t)),
              };
            });
            if (
              colours.guid === 'rgb(255, 0, 255)' &&
              colours.string === 'rgb(59, 142, 234)' &&
              colours.time === 'rgb(42, 157, 143)'
            )
              break;
            if (Date.now() > deadline)
              throw new Error(
                `${theme}: ${JSON.stringify(colours)} (wanted the GUID #ff00ff, ours: string #3b8eea, time #2a9d8f)`,
              );
            await page.waitForTimeout(300);
          }
          out[theme] = colours;
        }
        await shot('6-user-token-colours-dark');
      } finally {
        changeUserSettings({ 'editor.tokenColorCustomizations': undefined });
      }
      return out;
    },
  );

  await check(
    'the Diagnosis view has the ConfigMgr side bar at 1366×768; Error Lookup stays collapsed below it until used',
    async () => {
      await page.setViewportSize({ width: 1366, height: 768 });
      await expandExplorerFolder('siteserver');
      await explorerContextMenu(page, 'siteserver', 'ConfigMgr: Diagnose');
      await page
        .locator('.pane-body .monaco-list-row', { hasText: 'Software updates synchronization' })
        .first()
        .waitFor({ timeout: 60000 });
      await page.waitForTimeout(500);
      const panes = () =>
        page.evaluate(() => {
          const bar = document.querySelector('.part.sidebar');
          return {
            sidebar: Math.round(bar.getBoundingClientRect().height),
            panes: [...bar.querySelectorAll('.pane')].map((p) => ({
              title: p.querySelector('.pane-header .title').textContent.trim(),
              expanded: p.querySelector('.pane-header').getAttribute('aria-expanded') === 'true',
              height: Math.round(p.getBoundingClientRect().height),
            })),
          };
        });
      const before = await panes();
      await shot('7-diagnosis-1366');
      const [diagnosis, lookup] = before.panes;
      if (!diagnosis || !/^Diagnosis/.test(diagnosis.title) || !lookup || !/Error Lookup/.test(lookup.title))
        throw new Error(`views: ${JSON.stringify(before)}`);
      if (!diagnosis.expanded || lookup.expanded) throw new Error(`expanded: ${JSON.stringify(before)}`);
      if (diagnosis.height < before.sidebar * 0.8)
        throw new Error(`the Diagnosis has ${diagnosis.height} of ${before.sidebar} px`);
      // Used, the Error Lookup opens below the Diagnosis and answers; the Diagnosis keeps the larger share.
      await command('ConfigMgr: Look Up Error Code');
      await page.locator('.quick-input-widget input').fill('0x80244021');
      await page.keyboard.press('Enter');
      const answered = await webviewFrame(() => !!document.getElementById('answer'), 20000);
      if (!answered) throw new Error('no answer in the Error Lookup view');
      await page.waitForTimeout(500);
      const after = await panes();
      await shot('7b-diagnosis-and-lookup-1366');
      const [d2, l2] = after.panes;
      if (!l2.expanded || l2.height < 120 || !d2.expanded || d2.height < l2.height)
        throw new Error(`with the lookup: ${JSON.stringify(after)}`);
      return { before, after };
    },
  );

  await check(
    'logs are read-only from the moment they open, however they open: a click and a keystroke at once change nothing',
    async () => {
      writeWorkspaceSettings({ 'cmlogs.highlightRules': [] });
      changeUserSettings({ 'workbench.editor.enablePreview': true });
      await page.waitForTimeout(1000);
      const ways = {};
      await quickOpen('LocationServices.log', 'client');
      ways['Quick Open'] = await typeInto('LocationServices.log');
      // One click in the Explorer: a preview, and the focus stays in the Explorer.
      await command('View: Show Explorer');
      await expandExplorerFolder('client');
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: /^PolicyAgent\.log$/ })
        .first()
        .click();
      ways['Explorer, preview'] = await typeInto('PolicyAgent.log');
      await explorerContextMenu(page, 'StateMessage.log', 'Open to the Side');
      ways['Explorer, Open to the Side'] = await typeInto('StateMessage.log');
      // A step of the Diagnosis view opens its log as a preview; the focus stays in the view.
      await explorerContextMenu(page, 'siteserver', 'ConfigMgr: Diagnose');
      const step = page.locator('.pane-body .monaco-list-row', { hasText: /WSyncMgr\.log:\d+/ }).first();
      await step.waitFor({ timeout: 60000 });
      await step.click();
      ways['Diagnosis view step'] = await typeInto('WSyncMgr.log');
      // A double-click in the timeline opens the log beside it.
      await command('View: Show Explorer');
      await explorerContextMenu(page, 'SoftwareDistribution.log', 'ConfigMgr: Open in Timeline');
      const frame = await webviewFrame(() => {
        const files = [...document.querySelectorAll('#rows .row:not([hidden]) .c-file')].map((c) => c.textContent);
        return files.length > 2 && files.every((f) => f === 'SoftwareDistribution.log');
      }, 30000);
      if (!frame) throw new Error('no timeline of SoftwareDistribution.log');
      await frame.locator('#rows .row:not([hidden])').nth(1).dblclick();
      ways['timeline double-click'] = await typeInto('SoftwareDistribution.log');
      await shot('8-readonly-ways');
      const typedInto = Object.entries(ways).filter(([, r]) => r.dirty || r.changed);
      if (typedInto.length) throw new Error(`typed into: ${JSON.stringify(Object.fromEntries(typedInto))}`);
      return ways;
    },
  );

  await check(
    'cmlogs.readOnly: false lets the user edit logs (locked before or not), and true locks them again',
    async () => {
      writeWorkspaceSettings({ 'cmlogs.highlightRules': [], 'cmlogs.readOnly': false });
      await page.waitForTimeout(1500);
      const revert = async (name) => {
        await command('File: Revert File');
        await groupOf(name)
          .locator('.tabs-container .tab.dirty', { hasText: name })
          .waitFor({ state: 'detached', timeout: 10000 });
      };
      await quickOpen('LocationServices.log', 'client');
      const lockedBefore = await typeInto('LocationServices.log');
      await revert('LocationServices.log');
      await quickOpen('UpdatesStore.log', 'client');
      const neverOpened = await typeInto('UpdatesStore.log');
      await revert('UpdatesStore.log');
      writeWorkspaceSettings({ 'cmlogs.highlightRules': [] });
      await page.waitForTimeout(1500);
      await quickOpen('LocationServices.log', 'client');
      const lockedAgain = await typeInto('LocationServices.log');
      const out = { lockedBefore, neverOpened, lockedAgain };
      if (
        !lockedBefore.dirty ||
        !lockedBefore.changed ||
        !neverOpened.dirty ||
        lockedAgain.dirty ||
        lockedAgain.changed
      )
        throw new Error(JSON.stringify(out));
      return out;
    },
  );
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[ui] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
