import { applyClocks } from '../core/clock';
import { listLogFiles } from '../core/files';
import { parseFilesParallel } from '../core/parallel';
import type { ParseResult } from '../core/parse';
import { inertForTerminal } from '../core/text';
import type { LogRecord } from '../core/record';
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

/** Parses every file, on all cores when there are several (worker threads; same records as one by one). */
export function parseAll(files: string[]): Promise<ParseResult[]> {
  return parseFilesParallel(files);
}

/** The `--offset` option's name and help (a user's UTC offset for logs whose folders tell no zone). */
export const OFFSET_OPTION = 'offset';

/**
 * Parses the files and gives each folder its clock (core/clock.ts): logs that write local time with no zone get
 * UTC from the bias of the folder's other logs, or from `--offset UTC+01:00` (for every folder given), or none.
 */
export async function parseClocked(files: string[], args: Args): Promise<ParseResult[]> {
  const results = await parseAll(files);
  const offset = args.values.get(OFFSET_OPTION);
  let userBias: ((folder: string) => number | undefined) | undefined;
  if (offset !== undefined) {
    const bias = parseUtcOffset(offset);
    if (bias === null)
      throw new UsageError(`--offset wants a UTC offset such as UTC+01:00, UTC-05:00 or UTC (got "${offset}")`);
    userBias = () => bias;
  }
  applyClocks(
    results.map((r) => r.records),
    { userBias },
  );
  return results;
}
