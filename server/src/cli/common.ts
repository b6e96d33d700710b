import { listLogFiles } from '../core/files';
import { parseFilesParallel } from '../core/parallel';
import type { ParseResult } from '../core/parse';
import { inertForTerminal } from '../core/text';
import type { LogRecord } from '../core/record';
import { toIsoUtc } from '../core/time';

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

/** The record as NDJSON: every field, utc as ISO 8601 with Z. */
export function recordJson(record: LogRecord, extra: Record<string, unknown> = {}): string {
  const { file, line, endLine, column, ...rest } = record;
  return JSON.stringify({ file, line, endLine, column, ...rest, utc: toIsoUtc(record.utc), ...extra });
}

const SEVERITY_LABEL: Record<string, string> = { error: 'ERROR', warning: 'WARN ', info: 'info ', verbose: 'verb ', unknown: '?    ' };

/** One readable line per record: location, UTC time, severity, component, first line of the message. */
export function recordLine(record: LogRecord, width = 160): string {
  const time = record.utc === null ? '(no time)               ' : toIsoUtc(record.utc)!;
  const firstLine = record.message.split('\n', 1)[0];
  const more = record.endLine > record.line ? ` [+${record.endLine - record.line} lines]` : '';
  const text = `${time}  ${SEVERITY_LABEL[record.severity]}  ${record.component.padEnd(22).slice(0, 22)}  ${firstLine}`;
  return inertForTerminal(`${record.file}:${record.line}  ${text}`.slice(0, width) + more);
}

export function write(line: string): void {
  process.stdout.write(line + '\n');
}

/** Parses every file, on all cores when there are several (worker threads; same records as one by one). */
export function parseAll(files: string[]): Promise<ParseResult[]> {
  return parseFilesParallel(files);
}
