import { parseFile, type ParseResult } from '../core/parse';
import { toIsoUtc } from '../core/time';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, parseArgs, write } from './common';

type Counts = Record<string, number>;

export interface Stats {
  records: number;
  files: Array<{ file: string; format: string; encoding: string; records: number; lines: number; damaged: number; severities: Counts; firstUtc: string | null; lastUtc: string | null }>;
  formats: Counts;
  severities: Counts;
  firstUtc: string | null;
  lastUtc: string | null;
}

export function computeStats(results: ParseResult[]): Stats {
  const formats: Counts = {};
  const severities: Counts = {};
  let first: number | null = null;
  let last: number | null = null;
  const files = results.map((result) => {
    const own: Counts = {};
    let fileFirst: number | null = null;
    let fileLast: number | null = null;
    for (const r of result.records) {
      own[r.severity] = (own[r.severity] ?? 0) + 1;
      severities[r.severity] = (severities[r.severity] ?? 0) + 1;
      formats[r.format] = (formats[r.format] ?? 0) + 1;
      if (r.utc === null) continue;
      if (fileFirst === null || r.utc < fileFirst) fileFirst = r.utc;
      if (fileLast === null || r.utc > fileLast) fileLast = r.utc;
    }
    if (fileFirst !== null && (first === null || fileFirst < first)) first = fileFirst;
    if (fileLast !== null && (last === null || fileLast > last)) last = fileLast;
    return { file: result.file, format: result.format, encoding: result.encoding, records: result.records.length, lines: result.lineCount, damaged: result.warningCount, severities: own, firstUtc: toIsoUtc(fileFirst), lastUtc: toIsoUtc(fileLast) };
  });
  return { records: files.reduce((n, f) => n + f.records, 0), files, formats, severities, firstUtc: toIsoUtc(first), lastUtc: toIsoUtc(last) };
}

/** cmlogs stats FILE|DIR... [--json] */
export async function runStats(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const results = [];
  for (const file of logFilesFrom(args.positional)) results.push(await parseFile(file));
  const stats = computeStats(results);
  if (args.flags.has('json')) write(JSON.stringify(stats, null, 2));
  else printStats(stats);
  return 0;
}

const counts = (c: Counts) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ');

function printStats(stats: Stats): void {
  write(`records: ${stats.records}`);
  write(`time span (UTC): ${stats.firstUtc ?? '-'} .. ${stats.lastUtc ?? '-'}`);
  write(`by format: ${counts(stats.formats)}`);
  write(`by severity: ${counts(stats.severities)}`);
  write('by file:');
  for (const f of stats.files) {
    const damaged = f.damaged ? ` damaged=${f.damaged}` : '';
    write(inertForTerminal(`  ${f.file}  [${f.format}, ${f.encoding}] records=${f.records} ${counts(f.severities)}${damaged}  ${f.firstUtc ?? '-'} .. ${f.lastUtc ?? '-'}`));
  }
}
