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
import { readMachine, type MachineResult } from './read';
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
type FromWorker = ({ kind: 'done' } & MachineDone) | { kind: 'error'; index: number; message: string };

/** Reads one machine, its records into `recordsPath`. */
export async function readMachineTo(
  index: number,
  entry: MachineEntry,
  recordsPath: string,
  format: RecordsFormat,
): Promise<MachineDone> {
  const writer = format === 'csv' ? new RecordCsvWriter(recordsPath) : new RecordJsonWriter(recordsPath);
  try {
    const result = await readMachine(entry, writer);
    return { ...result, index, recordsPath, recordRows: writer.rows, waitedMs: 0 };
  } finally {
    writer.close();
  }
}

export interface FleetPoolOptions {
  /** Threads reading machines (default: one per core). */
  workers?: number;
  /** Where machine i's records go, and in which form. */
  recordsPath: (index: number) => string;
  recordsFormat: RecordsFormat;
  /** Called for each machine in completion order; the run ends once every returned promise has settled. */
  onMachine: (done: MachineDone) => void | Promise<void>;
  workerEntry?: string;
}

export function defaultFleetWorkers(): number {
  try {
    return Math.max(1, availableParallelism());
  } catch {
    return 1;
  }
}

/** Reads every machine; resolves when all are read and handed to onMachine. A machine that throws fails the run. */
export async function readFleet(machines: MachineEntry[], options: FleetPoolOptions): Promise<void> {
  const count = Math.min(options.workers ?? defaultFleetWorkers(), machines.length);
  const entry = count > 1 ? (options.workerEntry ?? findFleetWorkerEntry()) : null;
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
    const workers: Worker[] = [];
    let left = machines.length;
    let failed = false;
    const stop = () => workers.forEach((w) => (w.removeAllListeners('exit'), void w.terminate()));
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(error);
    };
    const give = (worker: Worker) => {
      const index = queue.shift();
      if (index === undefined) return;
      const recordsPath = options.recordsPath(index);
      worker.postMessage({
        index,
        entry: machines[index],
        recordsPath,
        format: options.recordsFormat,
      } satisfies ToWorker);
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerSource(entry), { eval: true, workerData: { [TAG]: true } });
      workers.push(worker);
      worker.on('message', (m: FromWorker) => {
        if (failed) return;
        if (m.kind === 'error') return fail(new Error(`${machines[m.index].path}: ${m.message}`));
        const { kind: _kind, ...done } = m;
        give(worker);
        Promise.resolve(options.onMachine(done)).then(() => {
          if (--left === 0) {
            stop();
            resolve();
          }
        }, fail);
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => fail(new Error(`a fleet worker stopped (exit code ${code})`)));
      give(worker);
    }
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
      try {
        const read = await readMachineTo(m.index, m.entry, m.recordsPath, m.format);
        idleSince = performance.now();
        port.postMessage({ kind: 'done', ...read, waitedMs } satisfies FromWorker);
      } catch (error) {
        port.postMessage({
          kind: 'error',
          index: m.index,
          message: (error as Error)?.message ?? String(error),
        } satisfies FromWorker);
      }
    });
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[TAG]) runWorker();
