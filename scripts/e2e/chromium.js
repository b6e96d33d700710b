// Debian's headless Chromium driven by playwright-core (no browser download: playwright-core ships none).
// ensureChromium() installs the `chromium` package with apt-get when /usr/bin/chromium is missing;
// launch() starts it with a fresh profile in the given folder and HOME/XDG_* inside it, so nothing goes to ~.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--password-store=basic',
];

function ensureChromium(log = console.error) {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  log(`[chromium] ${CHROMIUM} missing: installing the Debian package chromium`);
  const r = spawnSync(path.join(ROOT, 'scripts/e2e/ensure-apt.sh'), ['chromium'], { stdio: 'inherit' });
  if (r.status !== 0 || !fs.existsSync(CHROMIUM))
    throw new Error(`could not install chromium (exit ${r.status}); install it with: apt-get install chromium`);
  return CHROMIUM;
}

/** A persistent context (one browser, one profile in `profileDir`); its first page is `context.pages()[0]`. */
async function launch(profileDir, options = {}) {
  const { chromium } = require('playwright-core');
  const executablePath = ensureChromium();
  fs.mkdirSync(path.join(profileDir, 'home'), { recursive: true });
  const env = {
    ...process.env,
    HOME: path.join(profileDir, 'home'),
    XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'),
    XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache'),
    XDG_DATA_HOME: path.join(profileDir, 'xdg-data'),
  };
  return chromium.launchPersistentContext(path.join(profileDir, 'user-data'), {
    executablePath,
    headless: true,
    args: ARGS,
    env,
    viewport: options.viewport || { width: 1400, height: 900 },
    timeout: 60000,
  });
}

module.exports = { ensureChromium, launch, CHROMIUM, ARGS };
