import { applyClocks, commonFolder, machineOf, sourceLogPath, userClock } from '../core/clock';
import { listLogFiles } from '../core/files';
import { OutputSink } from '../core/output/sink';
import { defaultWorkerCount, parseFilesParallel } from '../core/parallel';
import type { ParseOptions, ParseResult } from '../core/parse';
import { inertForTerminal } from '../core/text';
import type { LogRecord } from '../core/record';
import type { RecordTable } from '../core/table';
import { parseUtcOffset, toIsoUtc, type UtcSource } from '../core/time';

export class UsageError extends Error {}

export interface Args {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

/** Splits argv into positionals, boolean flags and `--name value` options (for names in `withValue`). */
export function parseArgs(argv: string[], withValue: string[] = []): Args {
  const args: Args = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) args.positional.push(a);
    else if (withValue.includes(a.slice(2))) {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      args.values.set(a.slice(2), argv[++i]);
    } else args.flags.add(a.slice(2));
  }
  return args;
}

/** Log files named by the arguments; a missing path is a usage error with a clear message. */
export function logFilesFrom(paths: string[]): string[] {
  if (!paths.length) throw new UsageError('give at least one log file or folder');
  const { files, missing } = listLogFiles(paths);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  if (!files.length) throw new UsageError(`no *.log, *.lo_ or *.txt files in ${paths.join(', ')}`);
  return files;
}

/**
 * The record as NDJSON: every field, utc as ISO 8601 with Z (null when the log wrote local time and nothing tells
 * its zone), and where that UTC comes from (`utcSource`, see core/clock.ts).
 */
export function recordJson(record: LogRecord, utcSource: UtcSource, extra: Record<string, unknown> = {}): string {
  const { file, line, endLine, column, ...rest } = record;
  return JSON.stringify({ file, line, endLine, column, ...rest, utc: toIsoUtc(record.utc), utcSource, ...extra });
}

const SEVERITY_LABEL: Record<string, string> = {
  error: 'ERROR',
  warning: 'WARN ',
  info: 'info ',
  verbose: 'verb ',
  unknown: '?    ',
};

/**
 * One readable line per record: location, time, severity, component, first line of the message. The time is UTC
 * ("...Z"), followed by "~" when its zone was inferred from another log or set by the user; a log that wrote local
 * time with no known zone shows that local time with a space, no "T" and no "Z", and "local" after it: never as UTC.
 */
export function recordLine(record: LogRecord, utcSource: UtcSource = { kind: 'log' }, width = 160): string {
  const time = timeColumn(record, utcSource);
  const firstLine = record.message.split('\n', 1)[0];
  const more = record.endLine > record.line ? ` [+${record.endLine - record.line} lines]` : '';
  const text = `${time}  ${SEVERITY_LABEL[record.severity]}  ${record.component.padEnd(22).slice(0, 22)}  ${firstLine}`;
  return inertForTerminal(`${record.file}:${record.line}  ${text}`.slice(0, width) + more);
}

function timeColumn(record: LogRecord, source: UtcSource): string {
  if (record.utc !== null)
    return `${toIsoUtc(record.utc)}${source.kind === 'inferred' || source.kind === 'user' ? '~' : ' '}     `;
  if (record.local !== null) return `${record.local.slice(0, 23).replace('T', ' ')} local`;
  return '(no time)                    ';
}

export function write(line: string): void {
  process.stdout.write(line + '\n');
}

/**
 * Parses every file, on all cores when there are several and enough bytes to pay for a worker's start (worker
 * threads; same records as one by one: core/parallel.ts);
 * `onResult` sees each file as soon as it is parsed (index = position in `files`). No key postings: the CLI's
 * commands read keys from the messages they print, not from an index.
 */
export function parseAll(
  files: string[],
  onResult?: (result: ParseResult, index: number) => void,
  options: ParseOptions = {},
): Promise<ParseResult[]> {
  return parseFilesParallel(files, defaultWorkerCount(files), { ...options, onResult, keys: false });
}

/** The `--offset` option's name and help (a user's UTC offset for logs whose folders tell no zone). */
export const OFFSET_OPTION = 'offset';

/** The bias of `--offset UTC+01:00` (UTC = local + bias), or undefined when not given. */
function offsetBias(args: Args): number | undefined {
  const offset = args.values.get(OFFSET_OPTION);
  if (offset === undefined) return undefined;
  const bias = parseUtcOffset(offset);
  if (bias === null)
    throw new UsageError(`--offset wants a UTC offset such as UTC+01:00, UTC-05:00 or UTC (got "${offset}")`);
  return bias;
}

/**
 * Parses the files and gives each folder its clock (core/clock.ts): logs that write local time with no zone get
 * UTC from the bias of the folder's other logs, or from `--offset UTC+01:00` (for every folder given), or none.
 */
export async function parseClocked(
  files: string[],
  args: Args,
  onResult?: (result: ParseResult, index: number) => void,
  options: ParseOptions = {},
): Promise<ParseResult[]> {
  const bias = offsetBias(args);
  const results = await parseAll(files, onResult, options);
  applyClocks(
    results.map((r) => r.records),
    { userBias: bias === undefined ? undefined : () => bias },
  );
  return results;
}

/**
 * parseClocked, handing each file to `emit` in the order of `files` as soon as its records' times are settled,
 * while the other files are still being parsed (on all cores). A log with a bias of its own is settled when it is
 * parsed; one that writes local time with no zone when every log of its folder is, since its clock is learnt from
 * them all (core/clock.ts), or at once with `--offset`. The clock rule is parseClocked's, to the record.
 */
export async function parseInOrder(
  files: string[],
  args: Args,
  emit: (result: ParseResult) => Promise<void>,
): Promise<void> {
  const bias = offsetBias(args);
  // Named as parseClocked names them: relative to the folder of all the files given (PC01/ccmsetup.log), not
  // to the one machine whose clock is settled here.
  const folder = commonFolder(files);
  const sourceName = (file: string) => sourceLogPath(file, folder ? [folder] : []);
  const machines = files.map(machineOf);
  const unparsed = new Map<string, number>();
  for (const machine of machines) unparsed.set(machine, (unparsed.get(machine) ?? 0) + 1);
  const tables: Array<RecordTable | undefined> = new Array(files.length);
  let waiting: Array<ParseResult | undefined> = new Array(files.length);
  let next = 0;
  const settled = (k: number) =>
    waiting[k] !== undefined &&
    (bias !== undefined || unparsed.get(machines[k]) === 0 || !waiting[k]!.records.hasLocalOnlyTimes());
  const pump = async () => {
    while (next < files.length && settled(next)) {
      const result = waiting[next]!;
      waiting[next++] = undefined; // printed: not held here any longer
      await emit(result);
    }
  };
  let emitting = Promise.resolve();
  const onResult = (result: ParseResult, k: number) => {
    waiting[k] = result;
    tables[k] = result.records;
    const machine = machines[k];
    const left = unparsed.get(machine)! - 1;
    unparsed.set(machine, left);
    if (bias !== undefined) result.records.clock = userClock(bias);
    else if (left === 0)
      applyClocks(
        tables.filter((t, j): t is RecordTable => machines[j] === machine),
        { sourceName },
      );
    emitting = emitting.then(pump);
    emitting.catch(() => {}); // seen by the await below: not an unhandled rejection meanwhile
  };
  await parseAll(files, onResult);
  await emitting;
  waiting = [];
}

/** Lines to stdout through one reused buffer (core/output/sink.ts): `await out.flush()` when `out.full`. */
export function stdoutSink(): OutputSink {
  return new OutputSink(process.stdout);
}
