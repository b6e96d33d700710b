import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listMachines } from '../core/fleet/machines';
import { NdjsonWriter } from '../core/fleet/ndjson';
import { readFleet, type MachineDone } from '../core/fleet/pool';
import { SummaryBuilder, type FleetSummary } from '../core/fleet/summary';
import { inertForTerminal } from '../core/text';
import { parseArgs, UsageError, write } from './common';
import { FleetDuckDb } from './fleetDuckdb';

export const FLEET_USAGE = `usage: cmlogs fleet ROOT --out DIR [--json] [--jsoneachrow] [--no-parquet] [--workers N]
       cmlogs fleet query DIR "SQL" [--json]

  ROOT holds one entry per machine: a folder of its logs, or a .zip bundle (read in place).
  DIR receives machines.parquet, findings.parquet and records/machine=NAME/day=YYYY-MM-DD/*.parquet
  (--jsoneachrow: also DIR/jsoneachrow/*.json, JSON lines for ClickHouse and other engines).
  query: SQL (DuckDB) over the views machines, findings and records of a DIR written before.
`;

/** cmlogs fleet ROOT --out DIR ... | cmlogs fleet query DIR SQL */
export async function runFleet(argv: string[]): Promise<number> {
  if (argv[0] === 'query') return runFleetQuery(argv.slice(1));
  const args = parseArgs(argv, ['out', 'workers']);
  const [root] = args.positional;
  const out = args.values.get('out');
  if (!root || !out || args.positional.length > 1) throw new UsageError(`give one ROOT and --out DIR\n${FLEET_USAGE}`);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`no such folder: ${root}`);
  const workers = args.values.has('workers') ? Number(args.values.get('workers')) : undefined;
  if (workers !== undefined && !(workers >= 1)) throw new UsageError('--workers must be 1 or more');
  const summary = await writeFleet(resolve(root), resolve(out), { workers, jsonEachRow: args.flags.has('jsoneachrow'), parquet: !args.flags.has('no-parquet') });
  if (args.flags.has('json')) write(JSON.stringify(summary, null, 2));
  else writeSummaryTable(summary);
  return 0;
}

export interface FleetWriteOptions {
  workers?: number;
  jsonEachRow: boolean;
  parquet: boolean;
  /** Progress lines on stderr (default: when the run lasts). */
  progress?: (line: string) => void;
}

/** The outputs of an earlier run, removed before a new one writes (nothing else in DIR is touched). */
const OUTPUTS = ['machines.parquet', 'findings.parquet', 'records', 'jsoneachrow', '.staging'];

/** Reads the fleet under `root` into `out`; returns the summary. */
export async function writeFleet(root: string, out: string, options: FleetWriteOptions): Promise<FleetSummary> {
  if (!options.parquet && !options.jsonEachRow) throw new UsageError('--no-parquet needs --jsoneachrow: there would be nothing to write');
  const { machines, skipped } = listMachines(root);
  for (const s of skipped) process.stderr.write(inertForTerminal(`cmlogs fleet: skipped ${s.path}: ${s.reason}\n`));
  const duck = options.parquet ? await FleetDuckDb.open(1) : null;
  try {
    mkdirSync(out, { recursive: true });
    for (const name of OUTPUTS) rmSync(join(out, name), { recursive: true, force: true });
    const rowsDir = join(out, options.jsonEachRow ? 'jsoneachrow' : '.staging');
    mkdirSync(join(rowsDir, 'records'), { recursive: true });
    const machineRows = new NdjsonWriter(join(rowsDir, 'machines.json'));
    const findingRows = new NdjsonWriter(join(rowsDir, 'findings.json'));
    const summary = new SummaryBuilder();
    const progress = new Progress(machines.length, machines.reduce((n, m) => n + m.bytes, 0), options.progress);
    // DuckDB converts one machine's records while the workers read the next machines: a chain, one at a time.
    let conversions = Promise.resolve();
    const onMachine = (done: MachineDone) => {
      machineRows.write(done.machine);
      for (const f of done.findings) findingRows.write(f);
      summary.addMachine(done.findings);
      progress.machineDone(done.machine.bytes);
      if (!duck) return;
      conversions = conversions.then(async () => {
        if (done.recordRows) await duck.appendRecords(done.recordsPath, join(out, 'records'));
        if (!options.jsonEachRow) rmSync(done.recordsPath, { force: true });
      });
      return conversions;
    };
    await readFleet(machines, { workers: options.workers, recordsPath: (i) => join(rowsDir, 'records', `${String(i).padStart(6, '0')}.json`), onMachine });
    await conversions;
    machineRows.close();
    findingRows.close();
    if (duck) {
      await duck.writeTable('machines', machineRows.path, join(out, 'machines.parquet'));
      await duck.writeTable('findings', findingRows.path, join(out, 'findings.parquet'));
    }
    if (!options.jsonEachRow) rmSync(rowsDir, { recursive: true, force: true });
    progress.end();
    return summary.result();
  } finally {
    duck?.close();
  }
}

/** A line on stderr every few seconds of a long run: machines read, MB, MB/s. */
class Progress {
  private readonly started = Date.now();
  private last = Date.now();
  private machines = 0;
  private bytes = 0;

  constructor(
    private readonly total: number,
    private readonly totalBytes: number,
    private readonly out: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  ) {}

  machineDone(bytes: number): void {
    this.machines++;
    this.bytes += bytes;
    const now = Date.now();
    if (now - this.last < 3000) return;
    this.last = now;
    this.out(this.line());
  }

  end(): void {
    if (Date.now() - this.started >= 3000) this.out(this.line());
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

function writeSummaryTable(summary: FleetSummary): void {
  write(`${summary.machines} machines`);
  const statuses = statusColumns(summary);
  if (!statuses.length) return write('No documented flow found in these machines\' logs.');
  const flows = Object.keys(summary.flows);
  const width = Math.max(4, ...flows.map((f) => f.length));
  write(`${'flow'.padEnd(width)}  ${statuses.map((s) => s.padStart(10)).join('  ')}`);
  for (const flow of flows) write(`${flow.padEnd(width)}  ${statuses.map((s) => String(summary.flows[flow][s] ?? 0).padStart(10)).join('  ')}`);
  if (!summary.top.length) return;
  write('');
  write('Most common breakages (broken findings, machines, flow, step, code, examples):');
  for (const t of summary.top) {
    const code = t.code ? `${t.code}${t.code_name ? ` ${t.code_name}` : ''}` : '-';
    write(inertForTerminal(`  ${String(t.count).padStart(5)}  ${String(t.machines).padStart(5)}  ${t.flow}  ${t.step ?? '-'}  ${code}  (${t.examples.join(', ')})`));
  }
}

/** cmlogs fleet query DIR "SQL" [--json]: DuckDB SQL over the views machines, findings, records. */
async function runFleetQuery(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [dir, sql] = args.positional;
  if (!dir || !sql || args.positional.length > 2) throw new UsageError(`give DIR and one SQL statement\n${FLEET_USAGE}`);
  if (!existsSync(join(dir, 'findings.parquet'))) throw new UsageError(`${dir} holds no fleet tables (findings.parquet): write them with cmlogs fleet ROOT --out ${dir}`);
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
    if (args.flags.has('json')) write(JSON.stringify(result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))), null, 2));
    else writeRows(result.columns, result.rows);
    return 0;
  } finally {
    duck.close();
  }
}

/** Rows as aligned text columns (tabs and line breaks inside values shown as spaces). */
function writeRows(columns: string[], rows: unknown[][]): void {
  const cell = (v: unknown) => inertForTerminal(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v).replace(/[\t\r\n]+/g, ' '));
  const cells = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i].length))));
  write(columns.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  for (const r of cells) write(r.map((v, i) => (v.length > widths[i] ? v.slice(0, widths[i] - 1) + '…' : v.padEnd(widths[i]))).join('  ').trimEnd());
  process.stderr.write(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
}
