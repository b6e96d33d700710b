#!/usr/bin/env node
// `npm run package`: builds the bundles (esbuild) and packs them into <name>-<version>.vsix with @vscode/vsce
// (--no-dependencies: everything the extension needs is bundled). Then it reads the .vsix back and checks that
// only the allowed files are inside (.vscodeignore is an allow-list) and that the required ones are there.
//
//   node scripts/package.js [--no-build] [--out FILE.vsix]
// Prints the path of the .vsix on its last line.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Files allowed inside the package (paths relative to the extension root). */
const ALLOWED = [
  /^package\.json$/,
  /^readme\.md$/i, // vsce stores README.md as readme.md, CHANGELOG.md as changelog.md, LICENSE as LICENSE.txt
  /^changelog\.md$/i,
  /^LICENSE(\.md|\.txt)?$/i,
  /^NOTICE(\.md|\.txt)?$/i,
  /^icon\.png$/,
  /^client\/out\/extension\.js$/,
  /^server\/out\/(server|cli|parallel|fleetPool)\.js$/,
  /^syntaxes\/[^/]+\.json$/,
  /^language-configuration\.json$/,
  /^media\/[^/]+\.(css|svg)$/, // the webview: its style and its bundle (media/out/); its sources (media/src/) stay out
  /^media\/out\/[^/]+\.js$/,
];
const REQUIRED = [
  'package.json',
  'README.md',
  'client/out/extension.js',
  'server/out/server.js',
  'language-configuration.json',
  'media/out/timeline.js',
  'media/timeline.css',
];

/** Entries of a zip file (central directory), with uncompressed sizes. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    entries.push({
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      size,
      localOffset,
      method: buf.readUInt16LE(at + 10),
      compressed: buf.readUInt32LE(at + 20),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { buf, entries };
}

function readEntry({ buf }, entry) {
  const at = entry.localOffset;
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressed);
  return entry.method === 8 ? zlib.inflateRawSync(data) : data;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status})`);
}

function main() {
  const argv = process.argv.slice(2);
  const build = !argv.includes('--no-build');
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? path.resolve(argv[outIndex + 1]) : path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const t0 = Date.now();

  if (build) run(process.execPath, ['scripts/build.mjs']);
  const vsceArgs = ['package', '--no-dependencies', '--out', out];
  for (const [file, what] of [
    ['LICENSE', 'license'],
    ['CHANGELOG.md', 'changelog'],
    ['icon.png', 'icon'],
  ]) {
    if (!fs.existsSync(path.join(ROOT, file)))
      console.warn(`[package] WARNING: no ${file} in the repository: the .vsix has no ${what}`);
  }
  // vsce asks interactively when LICENSE is missing; do not hang in CI
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(ROOT, f))))
    vsceArgs.push('--skip-license');
  fs.rmSync(out, { force: true });
  run(process.execPath, [require.resolve('@vscode/vsce/vsce'), ...vsceArgs]);

  // What is really inside
  const zip = zipEntries(out);
  const files = zip.entries
    .filter((e) => e.name.startsWith('extension/') && !e.name.endsWith('/'))
    .map((e) => ({ ...e, rel: e.name.slice('extension/'.length) }));
  const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f.rel)));
  const missing = REQUIRED.filter((r) => !files.some((f) => f.rel.toLowerCase() === r.toLowerCase()));
  console.log(
    `\n${path.relative(ROOT, out)}: ${(fs.statSync(out).size / 1024).toFixed(0)} KB packed, ${zip.entries.length} entries`,
  );
  for (const e of zip.entries) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
  const manifest = JSON.parse(
    readEntry(
      zip,
      zip.entries.find((e) => e.name === 'extension/package.json'),
    ).toString('utf8'),
  );
  if (manifest.main !== './client/out/extension.js') throw new Error(`unexpected main ${manifest.main}`);
  if (unexpected.length)
    throw new Error(
      `files that must not be in the .vsix: ${unexpected.map((f) => f.rel).join(', ')} (fix .vscodeignore)`,
    );
  if (missing.length) throw new Error(`files missing from the .vsix: ${missing.join(', ')}`);
  console.log(`[package] OK in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(out);
}

try {
  main();
} catch (e) {
  console.error(`[package] ${e.message}`);
  process.exit(1);
}
