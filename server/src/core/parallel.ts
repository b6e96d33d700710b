// Many files on several cores. Worker threads parse whole files (largest first, each worker taking the next file
// when it is done) and hand the records back in compact batches: numbers in a Float64Array, repeated strings
// (component, severity, source file...) as indices into a small table, and messages and local times as slices of
// one text block. The calling thread turns a batch back into ordinary LogRecords with one object literal per record
// and keeps its own time for indexing; the records it builds share their strings with the batch, so they take
// less memory than records parsed in-thread.
//
// Where the worker code comes from: this module is its own worker entry. Run from TypeScript (tsx, tests, bench)
// the worker loads this .ts file through tsx's require hook; in an esbuild bundle (server/out/cli.js) it looks
// for `parallel.js` beside the bundle, built from this file as a separate entry point. Without either, or with
// fewer than two workers, files are parsed in-thread, one after the other: same results, never an error.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseFile, type ParseOptions, type ParseResult } from './parse';
import type { FormatId, LogRecord, Severity } from './record';
import { RecordTable } from './table';

const TAG = 'cmlogsParseWorker';
/** Records per batch: large enough to make a message cheap, small enough to keep the caller busy early. */
const BATCH = 8192;
/** Numbers per record: line, endLine, column, utc, biasMinutes, thread (NaN for null). */
const NUMS = 6;
/** Table indices per record: format, component, context, severity, rawType, sourceFile, damaged, local present. */
const STRS = 8;

export interface ParallelOptions extends ParseOptions {
  /** Called as soon as a file is complete, in completion order (index = position in `files`). */
  onResult?: (result: ParseResult, index: number) => void;
  /** Overrides the worker script (a .js file, or a .ts file when tsx is installed). */
  workerEntry?: string;
}

interface PackedBatch {
  n: number;
  nums: Float64Array;
  strs: Uint32Array;
  /** Index 0 is "absent" (null rawType, no damaged, ...). */
  table: string[];
  /** local, message, local, message, ... joined; `ends` marks where each ends. */
  text: string;
  ends: Uint32Array;
}

type ToWorker = { kind: 'parse'; job: number; file: string; options: ParseOptions };
type FromWorker =
  | { kind: 'batch'; job: number; batch: PackedBatch }
  | { kind: 'done'; job: number; meta: Omit<ParseResult, 'records'> }
  | { kind: 'error'; job: number; message: string; code?: string };

/** A sensible number of workers: one per core beyond the first, at least one, at most one per file. */
export function defaultWorkerCount(files: number): number {
  let cores = 1;
  try {
    cores = availableParallelism();
  } catch {
    // availableParallelism is Node >= 18.14; the fallback is one core
  }
  return Math.max(1, Math.min(files, Math.max(1, cores)));
}

/**
 * Parses `files` on `workers` threads; the results come back in the order of `files`. With workers <= 1, a single
 * file, or no worker script available, parses in-thread. A file that cannot be read rejects, as parseFile does.
 */
export async function parseFilesParallel(files: string[], workers = defaultWorkerCount(files.length), options: ParallelOptions = {}): Promise<ParseResult[]> {
  const { onResult, workerEntry, ...parseOptions } = options;
  const count = Math.min(Math.floor(workers), files.length);
  const entry = count > 1 ? (workerEntry ?? findWorkerEntry()) : null;
  if (!entry) return parseSequential(files, parseOptions, onResult);
  return new Pool(entry, count, files, parseOptions, onResult).run();
}

async function parseSequential(files: string[], options: ParseOptions, onResult?: (r: ParseResult, i: number) => void): Promise<ParseResult[]> {
  const results: ParseResult[] = [];
  for (const [i, file] of files.entries()) {
    const result = await parseFile(file, options);
    results.push(result);
    onResult?.(result, i);
  }
  return results;
}

/** This module's own file when it can be loaded as a worker; else `parallel.js` beside the bundle; else null. */
export function findWorkerEntry(): string | null {
  const self = typeof __filename === 'string' ? __filename : '';
  if (/[\\/]parallel\.(?:[cm]?js|ts)$/.test(self)) return self;
  const beside = self ? join(dirname(self), 'parallel.js') : '';
  return beside && existsSync(beside) ? beside : null;
}

/** Worker source: a .ts entry needs tsx's require hook inside the worker (execArgv hooks do not reach workers). */
function workerSource(entry: string): string {
  if (!entry.endsWith('.ts')) return `require(${JSON.stringify(entry)});`;
  let hook = '';
  try {
    hook = require.resolve(['tsx', 'cjs'].join('/'), { paths: [dirname(entry), process.cwd()] });
  } catch {
    throw new Error(`cannot run ${entry} in a worker without tsx`);
  }
  return `require(${JSON.stringify(hook)}); require(${JSON.stringify(entry)});`;
}

interface Job {
  index: number;
  file: string;
  records: RecordTable;
}

class Pool {
  private readonly results: Array<ParseResult | undefined>;
  private readonly queue: number[];
  private readonly active = new Map<Worker, Job>();
  private readonly idle: Worker[] = [];
  private done = 0;
  private failed = false;
  private resolve!: (results: ParseResult[]) => void;
  private reject!: (error: Error) => void;
  private inThread = Promise.resolve();

  constructor(
    private readonly entry: string,
    private readonly size: number,
    private readonly files: string[],
    private readonly options: ParseOptions,
    private readonly onResult?: (r: ParseResult, i: number) => void,
  ) {
    this.results = new Array(files.length);
    // Largest first, so that one big file does not finish alone at the end.
    const sizes = files.map((f) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    });
    this.queue = files.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  }

  run(): Promise<ParseResult[]> {
    return new Promise<ParseResult[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      let started = 0;
      for (let i = 0; i < this.size; i++) {
        try {
          this.startWorker();
          started++;
        } catch {
          break;
        }
      }
      if (!started) this.drainInThread();
    });
  }

  private startWorker(): void {
    const worker = new Worker(workerSource(this.entry), { eval: true, workerData: { [TAG]: true } });
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    // A worker that throws fails the call (as parseFile would reject); one that just exits loses nothing: its
    // file goes back in the queue for another worker, or for this thread when no worker is left.
    worker.on('error', (error) => this.crashed(worker, error));
    worker.on('exit', () => this.lost(worker));
    this.next(worker);
  }

  private next(worker: Worker): void {
    if (this.failed) return;
    const index = this.queue.shift();
    if (index === undefined) {
      this.idle.push(worker);
      this.finishIfDone();
      return;
    }
    this.active.set(worker, { index, file: this.files[index], records: new RecordTable(this.files[index]) });
    worker.postMessage({ kind: 'parse', job: index, file: this.files[index], options: this.options } satisfies ToWorker);
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    const job = this.active.get(worker);
    if (!job || job.index !== m.job || this.failed) return;
    if (m.kind === 'batch') {
      unpack(m.batch, job.file, job.records);
    } else if (m.kind === 'done') {
      this.active.delete(worker);
      this.complete(job.index, { ...m.meta, file: job.file, records: job.records });
      this.next(worker);
    } else {
      this.fail(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
    }
  }

  private complete(index: number, result: ParseResult): void {
    this.results[index] = result;
    this.done++;
    try {
      this.onResult?.(result, index);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.finishIfDone();
  }

  private crashed(worker: Worker, error: Error): void {
    const job = this.active.get(worker);
    if (!job) return this.lost(worker);
    this.fail(Object.assign(new Error(`${job.file}: ${error?.message ?? String(error)}`), { cause: error }));
  }

  private lost(worker: Worker): void {
    const job = this.active.get(worker);
    this.active.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (!job || this.failed) return;
    this.queue.unshift(job.index);
    const spare = this.idle.pop();
    if (spare) this.next(spare);
    else if (this.active.size === 0) this.drainInThread();
  }

  /** Parses what is left in this thread (no worker could start, or the last one died). */
  private drainInThread(): void {
    this.inThread = this.inThread.then(async () => {
      for (let index = this.queue.shift(); index !== undefined && !this.failed; index = this.queue.shift()) {
        try {
          this.complete(index, await parseFile(this.files[index], this.options));
        } catch (error) {
          this.fail(error instanceof Error ? error : new Error(String(error)));
        }
      }
      this.finishIfDone();
    });
  }

  private finishIfDone(): void {
    if (this.failed || this.done < this.files.length) return;
    this.stopAll();
    this.resolve(this.results as ParseResult[]);
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.stopAll();
    this.reject(error);
  }

  private stopAll(): void {
    const all = [...this.active.keys(), ...this.idle];
    this.active.clear();
    this.idle.length = 0;
    for (const w of all) {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      w.on('error', () => {});
      void w.terminate();
    }
  }
}

// ---- Packing --------------------------------------------------------------------------------------

class Packer {
  private n = 0;
  private nums = new Float64Array(BATCH * NUMS);
  private strs = new Uint32Array(BATCH * STRS);
  private ends = new Uint32Array(BATCH * 2);
  private parts: string[] = [];
  private length = 0;
  private table: string[] = [''];
  private ids = new Map<string, number>();

  constructor(private readonly flush: (batch: PackedBatch, transfer: ArrayBuffer[]) => void) {}

  add(r: LogRecord): void {
    const i = this.n++;
    const o = i * NUMS;
    const nums = this.nums;
    nums[o] = r.line;
    nums[o + 1] = r.endLine;
    nums[o + 2] = r.column;
    nums[o + 3] = r.utc ?? NaN;
    nums[o + 4] = r.biasMinutes ?? NaN;
    nums[o + 5] = r.thread ?? NaN;
    const s = i * STRS;
    const strs = this.strs;
    strs[s] = this.id(r.format);
    strs[s + 1] = this.id(r.component);
    strs[s + 2] = this.id(r.context);
    strs[s + 3] = this.id(r.severity);
    strs[s + 4] = r.rawType === null ? 0 : this.id(r.rawType);
    strs[s + 5] = this.id(r.sourceFile);
    strs[s + 6] = r.damaged === undefined ? 0 : this.id(r.damaged);
    strs[s + 7] = r.local === null ? 0 : 1;
    this.parts.push(r.local ?? '', r.message);
    this.length += (r.local?.length ?? 0);
    this.ends[i * 2] = this.length;
    this.length += r.message.length;
    this.ends[i * 2 + 1] = this.length;
    // Batches end by count, or early when the text grows large (a file of huge records).
    if (this.n === BATCH || this.length > 1 << 24) this.send();
  }

  send(): void {
    if (!this.n) return;
    const n = this.n;
    const batch: PackedBatch = {
      n,
      nums: this.nums.slice(0, n * NUMS),
      strs: this.strs.slice(0, n * STRS),
      table: this.table,
      text: this.parts.join(''),
      ends: this.ends.slice(0, n * 2),
    };
    this.n = 0;
    this.parts = [];
    this.length = 0;
    this.table = [''];
    this.ids = new Map();
    this.flush(batch, [batch.nums.buffer as ArrayBuffer, batch.strs.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
  }

  private id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.table.length;
      this.table.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

const nullable = (v: number): number | null => (v !== v ? null : v);

/** Batch → records, appended to `out`. Strings are slices of the batch text or shared table entries. */
export function unpack(batch: PackedBatch, file: string, out: { push(record: LogRecord): unknown }): void {
  const { n, nums, strs, table, text, ends } = batch;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const o = i * NUMS;
    const s = i * STRS;
    const localEnd = ends[i * 2];
    const messageEnd = ends[i * 2 + 1];
    const record: LogRecord = {
      file,
      line: nums[o],
      endLine: nums[o + 1],
      column: nums[o + 2],
      format: table[strs[s]] as FormatId,
      utc: nullable(nums[o + 3]),
      local: strs[s + 7] ? text.slice(at, localEnd) : null,
      biasMinutes: nullable(nums[o + 4]),
      component: table[strs[s + 1]],
      context: table[strs[s + 2]],
      thread: nullable(nums[o + 5]),
      severity: table[strs[s + 3]] as Severity,
      rawType: strs[s + 4] ? table[strs[s + 4]] : null,
      message: text.slice(localEnd, messageEnd),
      sourceFile: table[strs[s + 5]],
    };
    if (strs[s + 6]) record.damaged = table[strs[s + 6]];
    out.push(record);
    at = messageEnd;
  }
}

/** The pack/unpack round trip in one thread (tests check it keeps every field). */
export function roundTrip(records: LogRecord[], file: string): LogRecord[] {
  const out: LogRecord[] = [];
  const packer = new Packer((batch) => unpack(batch, file, out));
  for (const r of records) packer.add(r);
  packer.send();
  return out;
}

// ---- Worker side ----------------------------------------------------------------------------------

function runWorker(): void {
  const port = parentPort!;
  port.on('message', async (m: ToWorker) => {
    const packer = new Packer((batch, transfer) => port.postMessage({ kind: 'batch', job: m.job, batch } satisfies FromWorker, transfer));
    try {
      // The whole file first (the byte fast path needs no per-record callback), then its records in batches.
      const { records, ...meta } = await parseFile(m.file, m.options);
      for (const r of records) packer.add(r);
      packer.send();
      port.postMessage({ kind: 'done', job: m.job, meta } satisfies FromWorker);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      port.postMessage({ kind: 'error', job: m.job, message: e?.message ?? String(error), code: e?.code } satisfies FromWorker);
    }
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[TAG]) runWorker();
