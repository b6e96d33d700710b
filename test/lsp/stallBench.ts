// How long the editor's requests wait while a big folder's timeline loads (issue #23): the real server over stdio,
// a folder's timeline asked as the panel asks it (partial pages of the end until the folder is indexed, then the
// whole merge), and meanwhile, from `--open-at` ms on, a small log opened in the editor, a hover and its colour
// (semantic tokens) asked every 50 ms each. Prints the longest and the 95th-percentile wait of each, and the
// timeline's first and last answers. Not a test (no pass/fail): a measurement, run by hand.
//
//   npm run build && node --import tsx test/lsp/stallBench.ts FOLDER [--open-at 4000] [--server server/out/server.js]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestClient, uri } from './lspClient';
import { Requests, type TimelinePage } from '../../server/src/protocol';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const folder = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '');
const openAtMs = Number(option('--open-at', '4000'));
const server = resolve(option('--server', join(__dirname, '../../server/out/server.js')));
const EVERY_MS = 50;

/** A ~300 KB CMTrace log of WUAHandler, an HRESULT on every 10th record (what the hover is asked about). */
function smallLog(dir: string): string {
  const lines: string[] = [];
  for (let r = 0; lines.join('').length < 300_000; r++) {
    const s = String(r % 60).padStart(2, '0');
    const message = r % 10 === 3 ? 'Scan failed with error = 0x80244021.' : `Async searching of updates ${r} started.`;
    lines.push(
      `<![LOG[${message}]LOG]!><time="09:12:${s}.000+300" date="01-27-2014" component="WUAHandler" context="" type="${r % 10 === 3 ? 3 : 1}" thread="4436" file="cwuahandler.cpp:1">\r\n`,
    );
  }
  const file = join(dir, 'WUAHandler.log');
  writeFileSync(file, lines.join(''));
  return file;
}

function summary(waits: number[]): string {
  if (!waits.length) return 'none';
  const sorted = [...waits].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  return `n=${waits.length} max ${sorted.at(-1)!.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, median ${sorted[sorted.length >> 1].toFixed(0)} ms`;
}

/** Asks `request()` every EVERY_MS (after each answer) until `stop()`; returns each answer's wait. */
async function every(request: () => Promise<unknown>, stop: () => boolean): Promise<number[]> {
  const waits: number[] = [];
  while (!stop()) {
    const t = performance.now();
    await request();
    waits.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }
  return waits;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-stall-'));
  const lsp = new TestClient({}, server);
  try {
    await lsp.initialize(dir);
    const log = smallLog(dir);
    const start = performance.now();
    const since = () => (performance.now() - start).toFixed(0);
    let loading = true;
    const editor = (async () => {
      await new Promise((r) => setTimeout(r, openAtMs));
      const docUri = await lsp.open(log);
      const opened = performance.now();
      const colour = () => lsp.request('textDocument/semanticTokens/full', { textDocument: { uri: docUri } });
      const firstColour = await colour();
      const firstColourMs = performance.now() - opened;
      const hover = () =>
        lsp.request('textDocument/hover', { textDocument: { uri: docUri }, position: { line: 3, character: 35 } });
      const [hovers, colours] = await Promise.all([every(hover, () => !loading), every(colour, () => !loading)]);
      return { firstColourMs, hovers, colours, gotColour: !!firstColour };
    })();
    const folderUri = uri(folder);
    let page: TimelinePage;
    let first = '';
    let answers = 0;
    do {
      page = await lsp.ask(Requests.timeline, {
        folders: [folderUri],
        partial: true,
        offset: 2 ** 31 - 1,
        limit: 300,
        filter: {},
      });
      answers++;
      if (!first && page.total > 0) first = `${since()} ms (${page.total} rows)`;
      if (page.indexing) await new Promise((r) => setTimeout(r, 100));
    } while (page.indexing);
    const all = `${since()} ms (${page.total} rows, ${answers} answers)`;
    // the editor's requests keep going a second past the end (the last merge), then stop
    await new Promise((r) => setTimeout(r, 1000));
    loading = false;
    const e = await editor;
    console.log(`timeline: first rows ${first}, all ${all}`);
    console.log(`small log opened at ${openAtMs} ms: first colour ${e.firstColourMs.toFixed(0)} ms`);
    console.log(`hover waits:  ${summary(e.hovers)}`);
    console.log(`colour waits: ${summary(e.colours)}`);
  } finally {
    await lsp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
