// Many files on several cores. Worker threads parse whole files (largest first, each worker holding its next file
// while it reads one; the calling thread takes the smallest ones meanwhile) into a RecordTable and hand it back
// whole: its typed arrays are transferred, not copied, so the calling thread receives a ready table, and the
// postings of its keys (core/postings.ts) to index it by.
//
// Where the worker code comes from: this module is its own worker entry. Run from TypeScript (tsx, tests, bench)
// the worker loads this .ts file through tsx's require hook; in an esbuild bundle (server/out/cli.js) it looks
// for `parallel.js` beside the bundle, built from this file as a separate entry point. Without either, or with
// fewer than two workers, files are parsed in-thread, one after the other: same results, never an error.
import { statSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseFile, type ParseOptions, type ParseResult } from './parse';
import { workerEntry, workerSource } from './workers';
import { collectPostings, postingsTransfer } from './postings';
import { RecordTable, type DetachedTable } from './table';

const TAG = 'cmlogsParseWorker';
export interface ParallelOptions extends ParseOptions {
  /** Called as soon as a file is complete, in completion order (index = position in `files`). */
  onResult?: (result: ParseResult, index: number) => void;
  /** Overrides the worker script (a .js file, or a .ts file when tsx is installed). */
  workerEntry?: string;
  /**
   * Work in the background of an editor (the language server loading a folder): every file on a worker thread (the
   * calling thread parses none, so it stays free to answer the editor between results), and the workers at a lower
   * CPU priority where a thread can have its own (Linux), so that the editor's processes come first on a busy
   * machine. `workers` then counts worker threads only.
   */
  background?: boolean;
}

type ToWorker = { kind: 'parse'; job: number; file: string; options: ParseOptions };
type FromWorker =
  | { kind: 'done'; job: number; meta: Omit<ParseResult, 'records'>; table: DetachedTable }
  | { kind: 'error'; job: number; message: string; code?: string };

/**
 * Below this many bytes in all, files are read in the calling thread alone: a worker thread costs ~0.1 s of CPU to
 * start (its isolate, Node's bootstrap, the bundle, the scanner) before it reads a byte, about what this thread
 * needs to read 32 MB. Measured with `cmlogs stats` on 16, 35 and 68 MB of the bench corpus (load 10, 2 cores): one
 * thread 0.32 / 0.41-0.52 / 0.55-0.66 s CPU, two 0.39-0.44 / 0.56-0.64 / 0.66-0.79 s.
 */
export const SMALL_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * A sensible number of workers: one per core beyond the first, at least one, at most one per file; given the files
 * themselves, one (no worker) when they hold less than SMALL_INPUT_BYTES in all.
 */
export function defaultWorkerCount(files: number | readonly string[]): number {
  if (typeof files !== 'number' && bytesOf(files) < SMALL_INPUT_BYTES) return 1;
  const count = typeof files === 'number' ? files : files.length;
  let cores = 1;
  try {
    cores = availableParallelism();
  } catch {
    // availableParallelism is Node >= 18.14; the fallback is one core
  }
  return Math.max(1, Math.min(count, Math.max(1, cores)));
}

/** The files' sizes added up (one that cannot be read counts 0: parseFile reports it). */
function bytesOf(files: readonly string[]): number {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // counted as empty
    }
    if (total >= SMALL_INPUT_BYTES) break;
  }
  return total;
}

/**
 * Parses `files` on `workers` threads (the calling thread and workers - 1 worker threads); the results come back in
 * the order of `files`. With workers <= 1, a single file, or no worker script available, parses in-thread. A
 * file that cannot be read rejects, as parseFile does.
 */
export async function parseFilesParallel(
  files: string[],
  workers = defaultWorkerCount(files.length),
  options: ParallelOptions = {},
): Promise<ParseResult[]> {
  const { onResult, workerEntry, background = false, ...parseOptions } = options;
  const count = Math.min(Math.floor(workers), files.length);
  const entry = count > 1 || (background && count === 1) ? (workerEntry ?? findWorkerEntry()) : null;
  if (!entry) return parseSequential(files, parseOptions, onResult);
  return new Pool(entry, count, files, parseOptions, onResult, background).run();
}

async function parseSequential(
  files: string[],
  options: ParseOptions,
  onResult?: (r: ParseResult, i: number) => void,
): Promise<ParseResult[]> {
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
  return workerEntry(typeof __filename === 'string' ? __filename : '', 'parallel', 'parallel.js');
}

interface Job {
  index: number;
  file: string;
}

/**
 * Files a worker is given at once: the next one waits in its queue while it reads the current one, so it does not
 * idle until this thread (busy parsing and indexing) gets round to sending it more (a sixth of its time on 2 cores).
 */
const JOBS_IN_FLIGHT = 2;

class Pool {
  private readonly results: Array<ParseResult | undefined>;
  private readonly queue: number[];
  /** The jobs each busy worker was given, in the order it does them. */
  private readonly active = new Map<Worker, Job[]>();
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
    /** Every file on a worker, the workers niced (ParallelOptions.background). */
    private readonly background = false,
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
      // This thread is one of the `size`: it takes the smallest files (from the back of the queue) while the
      // workers take the largest, so the first results come at once and no core waits for this thread's indexing.
      // In the background it takes none: a file parsed here holds it for up to a second at a time (a 50 MB log),
      // which is a second the editor waits for a hover or an opened log's colours.
      if (!this.background) this.workInThread(() => this.queue.pop());
      let started = 0;
      for (let i = 0; i < (this.background ? this.size : this.size - 1); i++) {
        try {
          this.startWorker();
          started++;
        } catch {
          break; // no worker: this thread reads every file
        }
      }
      if (this.background && started === 0) this.workInThread();
    });
  }

  private startWorker(): void {
    const worker = new Worker(workerSource(this.entry), {
      eval: true,
      workerData: { [TAG]: true, niced: this.background },
    });
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    // A worker that throws fails the call (as parseFile would reject); one that just exits loses nothing: its
    // file goes back in the queue for another worker, or for this thread when no worker is left.
    worker.on('error', (error) => this.crashed(worker, error));
    worker.on('exit', () => this.lost(worker));
    this.next(worker);
  }

  /** Gives the worker jobs until it has JOBS_IN_FLIGHT; one with none left is idle. */
  private next(worker: Worker): void {
    if (this.failed) return;
    const jobs = this.active.get(worker) ?? [];
    while (jobs.length < JOBS_IN_FLIGHT && this.queue.length) {
      const index = this.queue.shift()!;
      jobs.push({ index, file: this.files[index] });
      worker.postMessage({
        kind: 'parse',
        job: index,
        file: this.files[index],
        options: this.options,
      } satisfies ToWorker);
    }
    if (jobs.length) return void this.active.set(worker, jobs);
    this.active.delete(worker);
    this.idle.push(worker);
    this.finishIfDone();
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    const job = this.active.get(worker)?.[0];
    if (!job || job.index !== m.job || this.failed) return;
    if (m.kind === 'done') {
      this.active.get(worker)!.shift();
      this.complete(job.index, { ...m.meta, file: job.file, records: RecordTable.attach(m.table) });
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
    const job = this.active.get(worker)?.[0];
    if (!job) return this.lost(worker);
    this.fail(Object.assign(new Error(`${job.file}: ${error?.message ?? String(error)}`), { cause: error }));
  }

  private lost(worker: Worker): void {
    const jobs = this.active.get(worker) ?? [];
    this.active.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (!jobs.length || this.failed) return;
    this.queue.unshift(...jobs.map((job) => job.index));
    const spare = this.idle.pop();
    if (spare) this.next(spare);
    else if (this.active.size === 0) this.workInThread();
  }

  /** Parses what is left in this thread (no worker could start, or the last one died). */
  private workInThread(take: () => number | undefined = () => this.queue.shift()): void {
    this.inThread = this.inThread.then(async () => {
      for (let index = take(); index !== undefined && !this.failed; index = take()) {
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

// ---- Worker side ----------------------------------------------------------------------------------

/**
 * Nice value of a background worker: enough below a normal thread (Linux CFS weight 655 against 1024) that on two
 * cores the editor's busy thread keeps a core to itself while two workers share the other, and little enough that
 * other work on the machine does not starve the load. Measured in code-server on 2 cores loaded by other sessions
 * (load 15-19): at nice 10 a small log opened during a 1 GB folder's load showed as fast as without it, but the
 * workers read only 9 of the folder's 21 logs in 300 s; at nice 5, 13 of 21 (all in 38 s at nice 0, load 11).
 */
export const BACKGROUND_NICE = 2;

function runWorker(): void {
  const port = parentPort!;
  if ((workerData as { niced?: boolean }).niced) lowerThisThreadsPriority();
  // One file at a time, in the order given (a second one is sent before the first is done: see JOBS_IN_FLIGHT).
  let done = Promise.resolve();
  port.on('message', (m: ToWorker) => (done = done.then(() => parseJob(port, m))));
}

async function parseJob(port: NonNullable<typeof parentPort>, m: ToWorker): Promise<void> {
  try {
    // The worker also finds the keys, so the calling thread only joins them into its index (unless the caller
    // said `keys: false`: the CLI's commands use no index).
    const keys = m.options.keys !== false;
    const { records, postings: found, ...meta } = await parseFile(m.file, { ...m.options, keys });
    const postings = keys ? (found ?? collectPostings(records)) : undefined;
    const { data, transfer } = records.detach();
    port.postMessage({ kind: 'done', job: m.job, meta: { ...meta, postings }, table: data } satisfies FromWorker, [
      ...transfer,
      ...(postings ? postingsTransfer(postings) : []),
    ]);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    port.postMessage({
      kind: 'error',
      job: m.job,
      message: e?.message ?? String(error),
      code: e?.code,
    } satisfies FromWorker);
  }
}

/**
 * Linux keeps a nice value per thread: os.setPriority(0) in a worker lowers that worker alone. Elsewhere it would lower
 * the whole process (the language server's main thread too), so it is left alone there.
 */
function lowerThisThreadsPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, BACKGROUND_NICE);
  } catch {
    // Not allowed (a sandbox): the worker runs at the normal priority.
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[TAG]) runWorker();
