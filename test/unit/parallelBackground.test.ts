// The language server reads a folder's logs "in the background" (issue #23: loading never starves the editor):
// every file on a worker thread, none on the calling thread (which answers the editor meanwhile), the workers at a
// lower CPU priority where a thread can have its own (Linux). Same results as a plain parse.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BACKGROUND_NICE, parseFilesParallel } from '../../server/src/core/parallel';
import { parseFile, type ParseResult } from '../../server/src/core/parse';
import { collectPostings } from '../../server/src/core/postings';

let dir: string;
let files: string[];

/** A CMTrace log of `records` records, with GUIDs (keys) and some errors. */
function log(records: number, seed: number): string {
  let text = '';
  for (let r = 0; r < records; r++) {
    const s = (seed * 7 + r) % 60;
    text += `<![LOG[Job {5f1c${String(seed).padStart(4, '0')}-0000-4000-8000-${String(r).padStart(12, '0')}} step ${r}${r % 41 ? '' : ' failed 0x80070005'}]LOG]!><time="10:${String(r % 60).padStart(2, '0')}:${String(s).padStart(2, '0')}.000+000" date="12-03-2026" component="CAS" context="" type="${r % 41 ? 1 : 3}" thread="${seed}" file="">\r\n`;
  }
  return text;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmlogs-background-'));
  files = [3000, 20000, 500, 12000].map((records, k) => {
    const file = join(dir, `Log${k}.log`);
    writeFileSync(file, log(records, k + 1));
    return file;
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const plain = ({ postings: _, ...r }: ParseResult) => ({ ...r, records: [...r.records] });

test('in the background every file is parsed on a worker (none here), with the same records and keys', async () => {
  for (const workers of [1, 2]) {
    const results = await parseFilesParallel(files, workers, { background: true });
    for (const [i, file] of files.entries()) {
      // Without `keys`, this thread's own parses carry no postings: a worker's always do.
      assert.ok(results[i].postings, `${file} was parsed on this thread (${workers} worker(s))`);
      assert.deepStrictEqual(results[i].postings, collectPostings(results[i].records), file);
      assert.deepStrictEqual(plain(results[i]), plain(await parseFile(file)), file);
    }
  }
});

test('without it this thread takes a share (the CLI: every core parses)', async () => {
  const results = await parseFilesParallel(files, 2);
  assert.ok(
    results.some((r) => !r.postings),
    'this thread parsed none of the files',
  );
});

/** Nice value of a thread of this process (Linux: /proc/self/task/<tid>/stat, field 19), or null once it ended. */
function niceOf(tid: string | number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return null;
  }
}

/** Nice values of this process's threads now. */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => niceOf(tid) ?? []);
}

// Only Linux gives a thread a priority of its own (elsewhere the workers are left at the normal one): run there.
test(
  'the background workers run at a lower priority than this thread (Linux: BACKGROUND_NICE)',
  { skip: process.platform !== 'linux' && 'Linux only' },
  async () => {
    const seen = new Set<number>();
    const sample = setInterval(() => threadNices().forEach((n) => seen.add(n)), 1);
    try {
      await parseFilesParallel([...files, ...files, ...files], 2, { background: true });
    } finally {
      clearInterval(sample);
    }
    assert.ok(BACKGROUND_NICE > 0 && seen.has(BACKGROUND_NICE), `no thread at nice ${BACKGROUND_NICE}: ${[...seen]}`);
    assert.equal(niceOf(process.pid), 0, 'this (main) thread keeps its priority'); // its thread id is the process id
  },
);
