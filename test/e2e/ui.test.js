#!/usr/bin/env node
// UI test of the PACKAGED extension, as a user sees it: code-server with the .vsix installed into a fresh
// extensions folder, driven in Debian's headless Chromium with playwright-core.
//
//   node test/e2e/ui.test.js [--vsix FILE]      (default: <name>-<version>.vsix, built by scripts/package.js if missing)
//
// Checks: the samples folder is open; a log with error records shows them coloured as errors (token colour and
// the CMTrace-style line background); the hover on an HRESULT decodes it; "ConfigMgr: Open Timeline" shows
// records of two logs; in a ~500 px wide panel its toolbar is one compact row with the rest behind "…";
// double-clicking a record opens its line in the editor.
// Screenshots: test-results/screenshots/*.png; results: test-results/ui-results.json. Exit 1 when a check fails.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startCodeServer } = require('../../scripts/e2e/with-code-server');
const { launch } = require('../../scripts/e2e/chromium');
const {
  checkRun,
  command: paletteCommand,
  quickOpen: openByName,
  toolbarProblems,
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
  const vsix = argv.includes('--vsix')
    ? path.resolve(argv[argv.indexOf('--vsix') + 1])
    : path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!fs.existsSync(vsix)) {
    lap(`${path.basename(vsix)} missing: packaging (scripts/package.js)`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.js')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('packaging failed');
  }

  const cs = await startCodeServer({
    name: 'ui',
    vsix,
    folder: SAMPLES,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'workbench.editor.enablePreview': false,
    },
  });
  results.vsix = path.relative(ROOT, vsix);
  lap(`code-server with ${path.basename(vsix)} at ${cs.url}`);
  const hard = setTimeout(
    () => {
      console.error('[ui] HARD TIMEOUT (E2E_UI_TIMEOUT_MS): stopping');
      cs.stop().finally(() => process.exit(124));
    },
    +(process.env.E2E_UI_TIMEOUT_MS || 300000),
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
      // a hover before the language server is ready shows nothing and is not retried: move away and back
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
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
    clearTimeout(hard);
  }

  results.ok = run.ok();
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
  const failed = results.checks.filter((c) => !c.ok);
  lap(
    `${results.checks.length - failed.length}/${results.checks.length} UI checks passed; screenshots in ${path.relative(ROOT, SHOTS)}/ (${results.screenshots.map((s) => path.basename(s)).join(', ')})`,
  );
  return results.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[ui] ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
