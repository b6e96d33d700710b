// The real logs of ../shared/corpus/real (read in place, never copied), truncated at random bytes, spliced onto one
// another, interleaved as two writers would, and mutated: the same invariants as test/unit/fuzz.test.ts (no throw,
// no hang, ordered line ranges inside the input, every non-blank line in a record, one header record per
// "]LOG]!><" marker, damaged records counted, same records when read in random chunks). The checks run in a
// worker thread of that file, each input under a time limit, the whole run under a time budget.
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { listLogFiles } from '../../server/src/core/files';
import { CORPUS } from './corpusPath';

const SEED = Number(process.env.FUZZ_SEED ?? 20131003);
const LIMIT_MS = 10_000;
/** Each kind of mutation stops starting new inputs after this long (FUZZ_BUDGET_MS=0: no budget, every round). */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 8_000);
const WORKER_ENTRY = join(__dirname, '..', 'unit', 'fuzz.test.ts');

interface Verdict {
  id: number;
  problems: string[];
  records: number;
  ms: number;
  error?: string;
}

/** The worker of test/unit/fuzz.test.ts, one job at a time, each under a time limit (a hang kills the worker). */
class Runner {
  private worker: Worker | null = null;
  private id = 0;
  run(job: { kind: string; seed: number; paths: string[] }, limitMs: number): Promise<Verdict> {
    const id = ++this.id;
    if (!this.worker) {
      const tsx = require.resolve('tsx/cjs', { paths: [dirname(WORKER_ENTRY), process.cwd()] });
      this.worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(WORKER_ENTRY)});`, {
        eval: true,
        workerData: { cmlogsFuzzWorker: true },
      });
      this.worker.unref();
    }
    const worker = this.worker;
    return new Promise((resolve) => {
      const finish = (v: Verdict) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(v);
      };
      const onMessage = (v: Verdict) => v.id === id && finish(v);
      const onError = (e: Error) => {
        this.worker = null;
        finish({ id, problems: [], records: 0, ms: 0, error: `worker died: ${e.message}` });
      };
      const timer = setTimeout(() => {
        this.worker = null;
        void worker.terminate();
        finish({ id, problems: [], records: 0, ms: limitMs, error: `no result within ${limitMs} ms (hang)` });
      }, limitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ ...job, id });
    });
  }
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

const files = listLogFiles([CORPUS]).files;
const runner = new Runner();
after(() => runner.close());

/** A small deterministic generator for picking files and seeds. */
function* picks(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield s;
  }
}

test('the real corpus is there', () => {
  assert.ok(files.length >= 10, `only ${files.length} files in ${CORPUS}`);
});

const PLAN: Array<[kind: string, rounds: number]> = [
  ['truncate', 2],
  ['splice', 2],
  ['interleave', 1],
  ['mutate', 2],
];

/** Reported bugs this kind finds until they are fixed: the test is a TODO meanwhile (see KNOWN_BUGS in the unit file). */
const KNOWN: Record<string, string> = {};

for (const [kind, rounds] of PLAN) {
  test(
    `real logs, ${kind}: every file up to ${rounds}x in ${BUDGET_MS / 1000} s, each input under ${LIMIT_MS / 1000} s`,
    KNOWN[kind] ? { todo: KNOWN[kind] } : {},
    async (t) => {
      const failures: string[] = [];
      const random = picks(SEED + kind.length * 101);
      let done = 0;
      const deadline = BUDGET_MS > 0 ? performance.now() + BUDGET_MS : Infinity;
      for (let round = 0; round < rounds && performance.now() < deadline; round++) {
        for (const file of files) {
          if (performance.now() > deadline) {
            t.diagnostic(`time budget (${BUDGET_MS / 1000} s) reached after ${done} inputs`);
            break;
          }
          const other = files[random.next().value! % files.length];
          const seed = random.next().value!;
          const v = await runner.run({ kind, seed, paths: [file, other] }, LIMIT_MS);
          done++;
          if (v.error || v.problems.length)
            failures.push(
              `${kind} ${relative(CORPUS, file)} + ${relative(CORPUS, other)} seed ${seed}: ${v.error ?? v.problems.join('; ')}`,
            );
          if (failures.length >= 5) break;
        }
      }
      assert.deepEqual(failures, []);
    },
  );
}
