import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { listMachines, type MachineKind } from '../core/fleet/machines';
import { NdjsonWriter } from '../core/fleet/ndjson';
import type { FindingRow } from '../core/fleet/rows';
import { readFleet, type MachineDone } from '../core/fleet/pool';
import { unreadMachine, type StageTimings } from '../core/fleet/read';
import { SummaryBuilder, type FleetSummary } from '../core/fleet/summary';
import { unpackBundle } from '../core/fleet/unpack';
import { inertForTerminal } from '../core/text';
import { parseArgs, UsageError, write } from './common';
import { FleetDuckDb } from './fleetDuckdb';

export const FLEET_USAGE = `usage: cmlogs fleet ROOT --out DIR [--json] [--jsoneachrow] [--no-parquet] [--workers N]
       cmlogs fleet query DIR "SQL" [--json]
       cmlogs fleet unpack BUNDLE --to FOLDER

  ROOT holds one entry per machine: a folder of its logs, or a .zip bundle (read in place).
  DIR receives machines.parquet, findings.parquet and records/machine=NAME/day=YYYY-MM-DD/*.parquet
  (--jsoneachrow: also DIR/jsoneachrow/*.json, JSON lines for ClickHouse and other engines).
  query: SQL (DuckDB) over the views machines, findings and records of a DIR written before.
  unpack: the logs of one machine's .zip or .cab written to FOLDER (names kept inside it), for tools that want
  files; prints {"files": [...], "problems": [...]} as JSON.

  A machine that cannot be read (a damaged bundle, a folder that cannot be listed, a reader that crashed, records
  DuckDB cannot write) does not stop the run: it is listed (machines.status = 'failed', machines.error says why).
  Exit codes: 0 every machine read; 3 the tables are written but some machines could not be read; 2 usage;
  1 the run failed (DIR could not be written).
`;

/** cmlogs fleet ROOT --out DIR ... | cmlogs fleet query DIR SQL */
export async function runFleet(argv: string[]): Promise<number> {
  if (argv[0] === 'query') return runFleetQuery(argv.slice(1));
  if (argv[0] === 'unpack') return runFleetUnpack(argv.slice(1));
  const args = parseArgs(argv, ['out', 'workers']);
  const [root] = args.positional;
  const out = args.values.get('out');
  if (!root || !out || args.positional.length > 1) throw new UsageError(`give one ROOT and --out DIR\n${FLEET_USAGE}`);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`no such folder: ${root}`);
  const workers = args.values.has('workers') ? Number(args.values.get('workers')) : undefined;
  if (workers !== undefined && !(workers >= 1)) throw new UsageError('--workers must be 1 or more');
  const summary = await writeFleet(resolve(root), resolve(out), {
    workers,
    jsonEachRow: args.flags.has('jsoneachrow'),
    parquet: !args.flags.has('no-parquet'),
  });
  if (args.flags.has('json')) write(JSON.stringify(summary, null, 2));
  else writeSummaryTable(summary);
  return summary.unreadable.length ? EXIT_SOME_UNREAD : 0;
}

/** Exit code of a run that wrote its tables but could not read some machines (listed in them and in the summary). */
export const EXIT_SOME_UNREAD = 3;

export interface FleetWriteOptions {
  workers?: number;
  jsonEachRow: boolean;
  parquet: boolean;
  /** Progress lines on stderr (default: when the run lasts). */
  progress?: (line: string) => void;
  /** The DuckDB the Parquet is written with (default: one in memory, one thread; tests give one that refuses). */
  openDuck?: () => Promise<FleetDuckDb>;
}

/** The outputs of an earlier run, removed before a new one writes (nothing else in DIR is touched). */
/** Byte order of UTF-8, as DuckDB orders VARCHAR (JavaScript's < compares UTF-16 code units). */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Each machine's findings in a file of its own, sorted by flow and key; read back in machine order they are
 * findings.parquet sorted by (machine, flow, key) without DuckDB sorting the whole fleet's findings at the end
 * (1.2 million findings of 750 machines took the run's peak from ~660 MB to 1,280 MB, and a memory limit made that
 * sort fail rather than spill).
 */
class FindingFiles {
  private readonly files: Array<{ machine: string; path: string }> = [];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(machine: string, findings: FindingRow[]): void {
    if (!findings.length) return;
    const path = join(this.dir, `${String(this.files.length).padStart(6, '0')}.json`);
    const writer = new NdjsonWriter(path);
    for (const f of [...findings].sort((a, b) => byBytes(a.flow, b.flow) || byBytes(a.key, b.key))) writer.write(f);
    writer.close();
    this.files.push({ machine, path });
  }

  /** The files in machine order; an empty file when no machine has a finding (the table is written, empty). */
  inMachineOrder(): string[] {
    if (!this.files.length) {
      const empty = join(this.dir, 'none.json');
      new NdjsonWriter(empty).close();
      return [empty];
    }
    return [...this.files].sort((a, b) => byBytes(a.machine, b.machine)).map((f) => f.path);
  }
}

const OUTPUTS = ['machines.parquet', 'findings.parquet', 'records', 'jsoneachrow', '.staging'];

/** Reads the fleet under `root` into `out`; returns the summary. */
export async function writeFleet(root: string, out: string, options: FleetWriteOptions): Promise<FleetSummary> {
  if (!options.parquet && !options.jsonEachRow)
    throw new UsageError('--no-parquet needs --jsoneachrow: there would be nothing to write');
  const { machines, skipped } = listMachines(root);
  for (const s of skipped) process.stderr.write(inertForTerminal(`cmlogs fleet: skipped ${s.path}: ${s.reason}\n`));
  const duck = options.parquet ? await (options.openDuck ?? (() => FleetDuckDb.open(1)))() : null;
  try {
    mkdirSync(out, { recursive: true });
    for (const name of OUTPUTS) rmSync(join(out, name), { recursive: true, force: true });
    const rowsDir = join(out, options.jsonEachRow ? 'jsoneachrow' : '.staging');
    // Records as CSV from the tables' bytes for DuckDB; JSON lines (all columns, slower) when ClickHouse wants them.
    const recordsFormat = options.jsonEachRow ? 'json' : 'csv';
    mkdirSync(join(rowsDir, 'records'), { recursive: true });
    const machineRows = new NdjsonWriter(join(rowsDir, 'machines.json'));
    // findings.json for ClickHouse only; the Parquet file is written from each machine's sorted file (FindingFiles).
    const findingRows = options.jsonEachRow ? new NdjsonWriter(join(rowsDir, 'findings.json')) : undefined;
    const findingFiles = new FindingFiles(join(rowsDir, 'findings'));
    const summary = new SummaryBuilder();
    const progress = new Progress(
      machines.length,
      machines.reduce((n, m) => n + m.bytes, 0),
      options.progress,
    );
    // DuckDB converts one machine's records while the workers read the next machines: a chain, one at a time.
    // A machine's rows are written once its records are: a machine whose records DuckDB cannot write is listed as
    // failed, and none of its rows are in the tables.
    let conversions = Promise.resolve();
    const names = new UniqueNames(machines);
    const onMachine = (done: MachineDone) => {
      const renamed = names.claim(done);
      progress.machineDone(done.machine.bytes, done.timings, done.waitedMs);
      conversions = conversions.then(async () => {
        const t0 = performance.now();
        const failure = await writeMachineRecords(done, {
          duck,
          renamed,
          format: recordsFormat,
          out,
          keep: options.jsonEachRow,
        });
        progress.parquetMs += performance.now() - t0;
        const final = failure ? failedAfterReading(done, failure) : done;
        machineRows.write(final.machine);
        for (const f of final.findings) findingRows?.write(f);
        findingFiles.write(final.machine.machine, final.findings);
        summary.addMachine(final.machine, final.findings);
      });
      return conversions;
    };
    await readFleet(machines, {
      workers: options.workers,
      recordsPath: (i) => join(rowsDir, 'records', `${String(i).padStart(6, '0')}.${recordsFormat}`),
      recordsFormat,
      onMachine,
    });
    await conversions;
    machineRows.close();
    findingRows?.close();
    if (duck) {
      await duck.writeTable('machines', machineRows.path, join(out, 'machines.parquet'));
      await duck.writeTable('findings', findingFiles.inMachineOrder(), join(out, 'findings.parquet'));
    }
    if (!options.jsonEachRow) rmSync(rowsDir, { recursive: true, force: true });
    progress.end();
    return summary.result();
  } finally {
    duck?.close();
  }
}

/**
 * Two entries can be one machine's name: PC01/ beside PC01.zip (listMachines names the second "PC01 (PC01.zip)"),
 * or a bundle whose logs say the name of another entry, or of another bundle. Their rows must not merge: a name
 * from the logs that another entry already bears, or another bundle's logs said first, becomes "NAME (ENTRY)",
 * and a warning says so. (Entry names win, so that the result does not depend on which machine was read first;
 * only two bundles whose logs both say one name, and that no entry bears, are named in the order they are read.)
 */
class UniqueNames {
  private readonly taken = new Set<string>();

  /** name → path of every machine entry (its name before its logs were read; unique, see listMachines). */
  private readonly entries: Map<string, string>;

  constructor(machines: Array<{ name: string; path: string }>) {
    this.entries = new Map(machines.map((m) => [m.name, m.path]));
  }

  /** Makes done's machine name unique (renaming its rows); true when it was renamed. */
  claim(done: MachineDone): boolean {
    const name = done.machine.machine;
    const bearer = this.entries.get(name);
    if (bearer === done.machine.path || (bearer === undefined && !this.taken.has(name)))
      return (this.taken.add(name), false);
    let unique = `${name} (${basename(done.machine.path)})`;
    for (let n = 2; this.taken.has(unique); n++) unique = `${name} (${basename(done.machine.path)} ${n})`;
    this.taken.add(unique);
    process.stderr.write(
      inertForTerminal(`cmlogs fleet: ${done.machine.path} is also called ${name}: its rows say ${unique}\n`),
    );
    done.machine.machine = unique;
    for (const f of done.findings) f.machine = unique;
    return true;
  }
}

/**
 * A machine's records into DIR: through DuckDB into Parquet (and kept as JSON lines with --jsoneachrow). Returns
 * why they could not be written, or null. The staged file of a failed machine is removed: its rows must not reach
 * any engine.
 */
async function writeMachineRecords(
  done: MachineDone,
  how: { duck: FleetDuckDb | null; renamed: boolean; format: 'csv' | 'json'; out: string; keep: boolean },
): Promise<string | null> {
  let failure: string | null = null;
  if (done.machine.status !== 'failed') {
    try {
      if (how.renamed && how.format === 'json') await renameRecords(done.recordsPath, done.machine.machine);
      if (how.duck && done.recordRows)
        await how.duck.appendRecords(done.recordsPath, how.format, join(how.out, 'records'), done.machine.machine);
    } catch (error) {
      failure = `its records could not be written: ${(error as Error).message}`;
    }
  }
  if (!how.keep || failure || done.machine.status === 'failed') rmSync(done.recordsPath, { force: true });
  return failure;
}

/** A machine that was read but whose records could not be written: failed, its findings left out with them. */
function failedAfterReading(done: MachineDone, reason: string): MachineDone {
  const failed = unreadMachine(
    {
      name: done.machine.machine,
      path: done.machine.path,
      kind: done.machine.source as MachineKind,
      bytes: done.machine.bytes,
    },
    reason,
  );
  return { ...done, ...failed, machine: { ...failed.machine, name_from: done.machine.name_from }, recordRows: 0 };
}

/** Rewrites a machine's JSON-lines records with its new name (only for a renamed machine, rare). */
async function renameRecords(path: string, machine: string): Promise<void> {
  const renamed = `${path}.renamed`;
  const writer = new NdjsonWriter(renamed);
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity }))
    if (line) writer.write({ ...JSON.parse(line), machine });
  writer.close();
  renameSync(renamed, path);
}

/** A line on stderr every few seconds of a long run: machines read, MB, MB/s. */
class Progress {
  private readonly started = Date.now();
  private last = Date.now();
  private machines = 0;
  private bytes = 0;
  private readonly stages: StageTimings = { parse: 0, diagnose: 0, records: 0 };
  /** Time DuckDB spent turning records into Parquet (on its own thread, beside the readers). */
  parquetMs = 0;
  /** Time the reader threads waited for a machine (see MachineDone.waitedMs). */
  private waitedMs = 0;

  constructor(
    private readonly total: number,
    private readonly totalBytes: number,
    private readonly out: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  ) {}

  machineDone(bytes: number, timings: StageTimings, waitedMs: number): void {
    this.machines++;
    this.waitedMs += waitedMs;
    this.bytes += bytes;
    for (const stage of ['parse', 'diagnose', 'records'] as const) this.stages[stage] += timings[stage];
    const now = Date.now();
    if (now - this.last < 3000) return;
    this.last = now;
    this.out(this.line());
  }

  /** The last line says where the time went (thread seconds per stage, summed over the readers). */
  end(): void {
    if (Date.now() - this.started < 3000) return;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const cpu = process.cpuUsage(); // the whole process: every reader thread and DuckDB's
    this.out(
      `${this.line()}; thread time: parse ${s(this.stages.parse)}, diagnose ${s(this.stages.diagnose)}, records out ${s(this.stages.records)}, Parquet ${s(this.parquetMs)}; readers waited ${s(this.waitedMs)}; process CPU ${s((cpu.user + cpu.system) / 1000)}`,
    );
  }

  private line(): string {
    const seconds = (Date.now() - this.started) / 1000;
    const mb = this.bytes / 1e6;
    return `cmlogs fleet: ${this.machines}/${this.total} machines, ${mb.toFixed(0)}/${(this.totalBytes / 1e6).toFixed(0)} MB, ${(mb / seconds).toFixed(1)} MB/s`;
  }
}

/** Statuses in the order an admin reads them; any other status the engine gives follows, by name. */
const STATUS_ORDER = ['broken', 'incomplete', 'unproven', 'complete'];

function statusColumns(summary: FleetSummary): string[] {
  const all = new Set(Object.values(summary.flows).flatMap((s) => Object.keys(s)));
  const known = STATUS_ORDER.filter((s) => all.has(s));
  return [...known, ...[...all].filter((s) => !known.includes(s)).sort()];
}

/** Machines named in the table's "could not be read" list (the rest are in machines.parquet). */
const UNREAD_LISTED = 20;

function writeSummaryTable(summary: FleetSummary): void {
  write(`${summary.machines} machines`);
  writeUnreadable(summary.unreadable);
  const statuses = statusColumns(summary);
  if (!statuses.length) return write("No documented flow found in these machines' logs.");
  const flows = Object.keys(summary.flows);
  const width = Math.max(4, ...flows.map((f) => f.length));
  write(`${'flow'.padEnd(width)}  ${statuses.map((s) => s.padStart(10)).join('  ')}`);
  for (const flow of flows)
    write(`${flow.padEnd(width)}  ${statuses.map((s) => String(summary.flows[flow][s] ?? 0).padStart(10)).join('  ')}`);
  if (!summary.top.length) return;
  write('');
  write('Most common breakages (broken findings, machines, flow, step, code, examples):');
  for (const t of summary.top) {
    const code = t.code ? `${t.code}${t.code_name ? ` ${t.code_name}` : ''}` : '-';
    write(
      inertForTerminal(
        `  ${String(t.count).padStart(5)}  ${String(t.machines).padStart(5)}  ${t.flow}  ${t.step ?? '-'}  ${code}  (${t.examples.join(', ')})`,
      ),
    );
  }
}

function writeUnreadable(unreadable: FleetSummary['unreadable']): void {
  if (!unreadable.length) return;
  const n = unreadable.length;
  write(`${n} machine${n === 1 ? '' : 's'} could not be read (not in the counts below):`);
  for (const u of unreadable.slice(0, UNREAD_LISTED)) write(inertForTerminal(`  ${u.machine}: ${u.error}`));
  if (n > UNREAD_LISTED)
    write(
      `  … and ${n - UNREAD_LISTED} more: cmlogs fleet query DIR "SELECT machine, error FROM machines WHERE status = 'failed'"`,
    );
  write('');
}

/** cmlogs fleet unpack BUNDLE --to FOLDER: exit 0 with what was written, 1 when the bundle cannot be read. */
async function runFleetUnpack(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['to']);
  const [bundle] = args.positional;
  const to = args.values.get('to');
  const kind = /\.zip$/i.test(bundle ?? '') ? 'zip' : /\.cab$/i.test(bundle ?? '') ? 'cab' : null;
  if (!bundle || !to || !kind || args.positional.length > 1)
    throw new UsageError(`give one .zip or .cab and --to FOLDER\n${FLEET_USAGE}`);
  try {
    mkdirSync(to, { recursive: true });
    write(JSON.stringify(await unpackBundle(resolve(bundle), kind, resolve(to))));
    return 0;
  } catch (error) {
    process.stderr.write(inertForTerminal(`cmlogs fleet unpack: ${bundle}: ${(error as Error).message}\n`));
    return 1;
  }
}

/** cmlogs fleet query DIR "SQL" [--json]: DuckDB SQL over the views machines, findings, records. */
async function runFleetQuery(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [dir, sql] = args.positional;
  if (!dir || !sql || args.positional.length > 2)
    throw new UsageError(`give DIR and one SQL statement\n${FLEET_USAGE}`);
  if (!existsSync(join(dir, 'findings.parquet')))
    throw new UsageError(
      `${dir} holds no fleet tables (findings.parquet): write them with cmlogs fleet ROOT --out ${dir}`,
    );
  const duck = await FleetDuckDb.open();
  try {
    await duck.attachFleet(resolve(dir));
    let result;
    try {
      result = await duck.query(sql);
    } catch (error) {
      process.stderr.write(inertForTerminal(`cmlogs fleet query: ${(error as Error).message}\n`));
      return 1;
    }
    if (args.flags.has('json'))
      write(
        JSON.stringify(
          result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))),
          null,
          2,
        ),
      );
    else writeRows(result.columns, result.rows);
    return 0;
  } finally {
    duck.close();
  }
}

/** Rows as aligned text columns (tabs and line breaks inside values shown as spaces). */
function writeRows(columns: string[], rows: unknown[][]): void {
  const cell = (v: unknown) =>
    inertForTerminal(
      v === null || v === undefined
        ? ''
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v).replace(/[\t\r\n]+/g, ' '),
    );
  const cells = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i].length))));
  write(
    columns
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  for (const r of cells)
    write(
      r
        .map((v, i) => (v.length > widths[i] ? v.slice(0, widths[i] - 1) + '…' : v.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  process.stderr.write(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
}
