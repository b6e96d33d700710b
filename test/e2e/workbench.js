// What the Playwright-driven tests (ui.test.js, scale.test.js...) share: a code-server and Chromium session
// (inWorkbench), named checks with screenshots on failure, the command palette, Quick Open, the Explorer's context
// menu and finding the timeline webview's frame.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startCodeServer } = require('../../scripts/e2e/with-code-server');
const { launch } = require('../../scripts/e2e/chromium');

const ROOT = path.resolve(__dirname, '../..');

/** A run of checks: each records its time and detail; a failure is recorded with a screenshot and the run goes on. */
function checkRun(name, shotsDir) {
  const t0 = Date.now();
  const results = { checks: [], screenshots: [] };
  const state = { page: null };
  const lap = (m) => console.log(`[${name} ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}`);
  fs.rmSync(shotsDir, { recursive: true, force: true });
  fs.mkdirSync(shotsDir, { recursive: true });

  async function shot(label) {
    const file = path.join(shotsDir, `${label}.png`);
    await state.page.screenshot({ path: file });
    results.screenshots.push(path.relative(ROOT, file));
    return file;
  }

  async function check(label, fn) {
    const t = Date.now();
    try {
      const detail = await fn();
      results.checks.push({ name: label, ok: true, ms: Date.now() - t, detail });
      lap(`✔ ${label}${detail ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
      return true;
    } catch (e) {
      results.checks.push({ name: label, ok: false, ms: Date.now() - t, error: String(e && e.stack ? e.stack : e) });
      lap(`✘ ${label}: ${e && e.message ? e.message : e}`);
      await shot(`FAILED-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
      await state.page.keyboard.press('Escape').catch(() => {});
      return false;
    }
  }

  const ok = () => results.checks.length > 0 && results.checks.every((c) => c.ok);
  return { results, state, lap, shot, check, ok };
}

/**
 * Gives the keyboard back to the workbench: a webview (an iframe) that has the focus gets the keys, and a key
 * pressed there may never reach the workbench's keybindings (the command palette did not open, once in CI).
 */
async function focusWorkbench(page) {
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active && active.tagName === 'IFRAME') active.blur();
  });
}

/**
 * Runs a command from the palette: the workbench is focused first, and F1 is pressed again until it opens and
 * takes the title. A webview that had the focus can take it back just after the palette opened (VS Code refocuses
 * the active webview asynchronously), which closes the palette: the fill then waited 30 s for an input that was
 * gone (timeline-ui "follow the end of a growing log" in CI, once). So the palette must still be there, typed in,
 * or it is opened again.
 */
async function command(page, title) {
  const input = page.locator('.quick-input-widget input');
  const done = (promise) =>
    promise.then(
      () => true,
      () => false,
    );
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await page.keyboard.press('F1');
    if (
      (await done(input.waitFor({ state: 'visible', timeout: 3000 }))) &&
      (await done(input.fill(`>${title}`, { timeout: 3000 })))
    )
      break;
    if (attempt === 4) throw new Error(`the command palette did not open and take the title (4 tries) for "${title}"`);
  }
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10000 });
  await row.click();
}

/** Picks a colour theme by its label (Preferences: Color Theme). */
async function setTheme(page, label) {
  await command(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
}

/** Opens the file called `name` (in a folder whose path contains `folderHint`) with Quick Open; waits for its tab. */
async function quickOpen(page, name, folderHint) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await page.keyboard.press('Control+P');
    if (
      await input.waitFor({ state: 'visible', timeout: 3000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    if (attempt === 4) throw new Error(`Quick Open did not open (4 tries) for ${name}`);
  }
  await input.fill(name);
  // the row whose label is exactly the file name (not WUAHandler.lo_ for WUAHandler.log), in the wanted folder.
  // The list is re-rendered while file search results arrive, so the labels are read in one go (a row counted
  // first and read after could be gone: that timed out in CI) and the row is clicked by its label.
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 30000 }); // file search is slow on a loaded machine
  const label = new RegExp(`(^|\\s)${name.replace(/\./g, '\\.')}(\\s|,|$)`);
  for (let i = 0; i < 40; i++) {
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || ''));
    const aria = labels.find((a) => label.test(a) && (!folderHint || a.includes(folderHint)));
    if (aria) {
      const row = page.locator(`.quick-input-list .monaco-list-row[aria-label=${JSON.stringify(aria)}]`).first();
      if (
        await row.click({ timeout: 2000 }).then(
          () => true,
          () => false,
        )
      ) {
        await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15000 });
        return;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`Quick Open has no row for ${name}`);
}

/**
 * Right-clicks an Explorer row and picks `item` from its context menu; returns the labels the menu offered and
 * when the item was clicked.
 * Extensions' menu items appear once the extension host has registered them: until `timeout`, the menu is
 * closed and opened again.
 */
async function explorerContextMenu(page, rowText, item, timeout = 30000) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: rowText }).first();
  await row.waitFor({ timeout: 30000 });
  const deadline = Date.now() + timeout;
  for (;;) {
    await row.click({ button: 'right' });
    const labels = page.locator('.context-view .monaco-menu .action-label');
    await labels.first().waitFor({ timeout: 10000 });
    const offered = (await labels.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    const entry = page.locator('.context-view .monaco-menu .action-label', { hasText: item }).first();
    if (await entry.count()) {
      const clickedAt = Date.now();
      await entry.click();
      // A click that lands while the menu is still settling is dropped and leaves the menu open (seen once on a
      // cold code-server in CI): then the item, still highlighted, is chosen with the keyboard.
      const menu = page.locator('.context-view .monaco-menu');
      if (
        !(await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(
          () => true,
          () => false,
        ))
      ) {
        await entry.hover();
        await page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden', timeout: 5000 });
      }
      return { offered, clickedAt };
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline)
      throw new Error(`the context menu of ${rowText} has no "${item}": ${offered.join(' | ')}`);
    await page.waitForTimeout(1000);
  }
}

/** The first frame (webviews are nested iframes) in which `predicate` holds, polled until `timeout`. */
async function webviewFrame(page, predicate, timeout = 30000, arg) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      try {
        if (await f.evaluate(predicate, arg)) return f;
      } catch {
        /* detached or not ready */
      }
    }
    await page.waitForTimeout(200);
  }
  return null;
}

/**
 * Toolbar layout problems in the timeline webview: controls outside the page's width, cut off by the toolbar or
 * overlapping another control. Runs in the webview's frame.
 */
function toolbarProblems() {
  const bar = document.getElementById('toolbar');
  const box = bar.getBoundingClientRect();
  const controls = [...bar.querySelectorAll('input, select, button, label.toggle')].filter(
    (e) => !e.closest('label.toggle') || e.matches('label.toggle'),
  );
  const rects = controls
    .map((e) => ({ id: e.id || e.getAttribute('aria-label') || e.textContent.trim(), r: e.getBoundingClientRect() }))
    .filter((c) => c.r.width > 0);
  const problems = [];
  for (const c of rects) {
    if (c.r.left < box.left - 0.5 || c.r.right > Math.min(box.right, window.innerWidth) + 0.5)
      problems.push(
        `${c.id} sticks out (${Math.round(c.r.left)}..${Math.round(c.r.right)} of ${Math.round(box.left)}..${Math.round(box.right)})`,
      );
    if (c.r.bottom > box.bottom + 0.5) problems.push(`${c.id} is cut off below the toolbar`);
  }
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i].r,
        b = rects[j].r;
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
        problems.push(`${rects[i].id} overlaps ${rects[j].id}`);
    }
  }
  return { width: Math.round(box.width), height: Math.round(box.height), controls: rects.length, problems };
}

/**
 * The .vsix a UI test installs: `--vsix FILE` from `argv`, else the one `npm run package` writes, packaged first
 * when it is missing (`lap` says so).
 */
function vsixPath(argv, lap = () => {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = argv.includes('--vsix')
    ? path.resolve(argv[argv.indexOf('--vsix') + 1])
    : path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!fs.existsSync(vsix)) {
    lap(`${path.basename(vsix)} missing: packaging (scripts/package.js)`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.js')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('packaging failed');
  }
  return vsix;
}

/** What every browser test sets unless it says otherwise: the dark theme, no minimap, no preview tabs. */
const WORKBENCH_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.minimap.enabled': false,
  'workbench.editor.enablePreview': false,
};

/**
 * A code-server with the packaged extension (`vsix`) on `folder`, headless Chromium at `viewport` on it, the
 * workbench up: runs `body(page, cs)` and then closes both, whatever happens. `settings` add to (or replace)
 * WORKBENCH_SETTINGS. A run that hangs is stopped after `timeoutMs` (E2E_UI_TIMEOUT_MS) with exit code 124.
 * Page errors are printed (a webview's exception would otherwise go unseen).
 */
async function inWorkbench({ name, vsix, folder, settings = {}, env, keep, viewport, timeoutMs }, body) {
  const cs = await startCodeServer({
    name,
    vsix,
    folder,
    keep,
    env,
    settings: { ...WORKBENCH_SETTINGS, ...settings },
  });
  const limit = timeoutMs ?? +(process.env.E2E_UI_TIMEOUT_MS || 420000);
  const hard = setTimeout(() => {
    console.error(`[${name}] HARD TIMEOUT after ${limit} ms (E2E_UI_TIMEOUT_MS): stopping`);
    cs.stop().finally(() => process.exit(124));
  }, limit);
  let context;
  try {
    context = await launch(path.join(cs.runDir, 'chromium'), viewport ? { viewport } : {});
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    return await body(page, cs);
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
    clearTimeout(hard);
  }
}

module.exports = {
  checkRun,
  inWorkbench,
  command,
  focusWorkbench,
  setTheme,
  quickOpen,
  explorerContextMenu,
  webviewFrame,
  toolbarProblems,
  ROOT,
  vsixPath,
};
