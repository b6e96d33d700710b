// Machines on every core: each worker thread reads one machine at a time (parse, diagnose, rows), writes its
// records to its own file (CSV for DuckDB, or JSON lines for ClickHouse) and sends back the machine's row and
// findings, which are small. No thread ever holds more than the machine it is reading, so memory stays bounded
// whatever the size of the fleet.
//
// Like core/parallel.ts, this module is its own worker entry: run from TypeScript (tsx, tests, bench) a worker
// loads this .ts file through tsx's require hook; in the esbuild bundle it is `fleetPool.js` beside cli.js. Without
// either, machines are read in this thread, one after the other: same results.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { workerEntry, workerSource } from '../workers';
import type { MachineEntry } from './machines';
import { RecordJsonWriter } from './ndjson';
import { readMachine, unreadMachine, type MachineResult } from './read';
import { RecordCsvWriter } from './recordsCsv';

const TAG = 'cmlogsFleetWorker';

export interface MachineDone extends MachineResult {
  index: number;
  /** The file holding the machine's records (see RecordsFormat). */
  recordsPath: string;
  recordRows: number;
  /**
   * How long the thread that read this machine waited for it after its previous one (ms): the pool hands a reader
   * its next machine as soon as it reports one, so this stays near 0 while machines are left (the check that both
   * cores are kept busy); 0 when machines are read in the calling thread.
   */
  waitedMs: number;
}

/** 'csv': RecordCsvWriter's columns, for DuckDB (no machine, no day); 'json': every column, for ClickHouse. */
export type RecordsFormat = 'csv' | 'json';

type ToWorker = { index: number; entry: MachineEntry; recordsPath: string; format: RecordsFormat };
type FromWorker = { kind: 'done' } & MachineDone;

/**
 * Reads one machine, its records into `recordsPath`. A machine that throws (a parser bug on a strange log, a file
 * that vanished) is a failed machine with the error as its reason, never a failed run.
 */
export async function readMachineTo(
  index: number,
  entry: MachineEntry,
  recordsPath: string,
  format: RecordsFormat,
): Promise<MachineDone> {
  const writer = format === 'csv' ? new RecordCsvWriter(recordsPath) : new RecordJsonWriter(recordsPath);
  let result: MachineResult;
  try {
    result = await readMachine(entry, writer);
  } catch (error) {
    result = unreadMachine(entry, `reading it failed: ${messageOf(error)}`);
  } finally {
    writer.close();
  }
  const failed = result.machine.status === 'failed';
  return { ...result, index, recordsPath, recordRows: failed ? 0 : writer.rows, waitedMs: 0 };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface FleetPoolOptions {
  /** Threads reading machines (default: one per core). */
  workers?: number;
  /** Where machine i's records go, and in which form. */
  recordsPath: (index: number) => string;
  recordsFormat: RecordsFormat;
  /** Called for each machine in completion order; the run ends once every returned promise has settled. */
  onMachine: (done: MachineDone) => void | Promise<void>;
  workerEntry?: string;
  /** The reader threads' young generation in MB (default READER_YOUNG_GENERATION_MB). */
  youngGenerationMb?: number;
}

/**
 * The young generation of a reader thread, in MB. A machine's parse and diagnosis make many short-lived objects,
 * and with V8's default young generation a reader scavenged 47-48 times for 3 bench machines of 20 MB (GC 1.1-1.3 s
 * of thread time under load 10); with 96 MB, 31-33 times (GC 0.4-0.7 s). Single-threaded, the same machines took
 * 12-14% less CPU with 32 MB semi-spaces (best of 3: 2,414 -> 2,119 ms). Costs up to ~60 MB more per reader.
 */
const READER_YOUNG_GENERATION_MB = 96;

export function defaultFleetWorkers(): number {
  try {
    return Math.max(1, availableParallelism());
  } catch {
    return 1;
  }
}

/**
 * Reads every machine; resolves when all are read and handed to onMachine. A machine that cannot be read comes as
 * a failed one (status 'failed', its reason in `error`), even when it crashed the thread reading it: the thread is
 * replaced and the run goes on. Only onMachine's own failure (the output cannot be written) fails the run.
 */
export async function readFleet(machines: MachineEntry[], options: FleetPoolOptions): Promise<void> {
  const count = Math.min(options.workers ?? defaultFleetWorkers(), machines.length);
  const entry = count > 1 || options.workerEntry ? (options.workerEntry ?? findFleetWorkerEntry()) : null;
  // Largest first, so that one big machine does not finish alone at the end.
  const queue = machines.map((_, i) => i).sort((a, b) => machines[b].bytes - machines[a].bytes || a - b);
  if (!entry) {
    for (const i of queue)
      await options.onMachine(await readMachineTo(i, machines[i], options.recordsPath(i), options.recordsFormat));
    return;
  }
  await runWorkers(entry, count, queue, machines, options);
}

function runWorkers(
  entry: string,
  count: number,
  queue: number[],
  machines: MachineEntry[],
  options: FleetPoolOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers = new Set<Worker>();
    let left = machines.length;
    let failed = false;
    const stop = () => workers.forEach((w) => (w.removeAllListeners(), w.on('error', () => {}), void w.terminate()));
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(error);
    };
    const handOver = (done: MachineDone) =>
      Promise.resolve(options.onMachine(done)).then(() => {
        if (--left === 0 && !failed) {
          stop();
          resolve();
        }
      }, fail);
    const start = () => {
      const worker = new Worker(workerSource(entry), {
        eval: true,
        workerData: { [TAG]: true },
        resourceLimits: { maxYoungGenerationSizeMb: options.youngGenerationMb ?? READER_YOUNG_GENERATION_MB },
      });
      workers.add(worker);
      /** The machine this worker reads (undefined while it waits). */
      let reading: number | undefined;
      const give = () => {
        reading = queue.shift();
        if (reading === undefined) return;
        const job: ToWorker = {
          index: reading,
          entry: machines[reading],
          recordsPath: options.recordsPath(reading),
          format: options.recordsFormat,
        };
        worker.postMessage(job);
      };
      // A thread that dies (out of memory, a native crash) takes only its machine with it: listed, then replaced.
      const died = (reason: string) => {
        if (failed || !workers.delete(worker)) return;
        worker.removeAllListeners();
        worker.on('error', () => {});
        void worker.terminate();
        if (reading !== undefined) {
          const index = reading;
          reading = undefined;
          const lost = unreadMachine(machines[index], `the thread reading it stopped: ${reason}`);
          void handOver({ ...lost, index, recordsPath: options.recordsPath(index), recordRows: 0, waitedMs: 0 });
        }
        if (queue.length) start();
      };
      worker.on('message', (m: FromWorker) => {
        if (failed) return;
        const { kind: _kind, ...done } = m;
        give();
        void handOver(done);
      });
      worker.on('error', (error) => died(error.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
      give();
    };
    for (let i = 0; i < count; i++) start();
  });
}

/** This module's own file when it can run as a worker; else `fleetPool.js` beside the bundle; else null. */
export function findFleetWorkerEntry(): string | null {
  return workerEntry(typeof __filename === 'string' ? __filename : '', 'pool', 'fleetPool.js');
}

// ---- Worker side ----------------------------------------------------------------------------------

function runWorker(): void {
  const port = parentPort!;
  let done = Promise.resolve();
  let idleSince = performance.now();
  port.on('message', (m: ToWorker) => {
    done = done.then(async () => {
      const waitedMs = performance.now() - idleSince;
      const read = await readMachineTo(m.index, m.entry, m.recordsPath, m.format);
      idleSince = performance.now();
      port.postMessage({ kind: 'done', ...read, waitedMs } satisfies FromWorker);
    });
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[TAG]) runWorker();
