import { decodeMatch, findCodes } from '../core/decode/findCodes';
import { facilityText } from '../core/decode/hresult';
import type { ParseResult } from '../core/parse';
import type { LogRecord } from '../core/record';
import { toIsoUtc } from '../core/time';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, parseAll, parseArgs, write } from './common';

type Counts = Record<string, number>;

export interface Stats {
  records: number;
  files: Array<{ file: string; format: string; encoding: string; records: number; lines: number; damaged: number; severities: Counts; firstUtc: string | null; lastUtc: string | null }>;
  formats: Counts;
  severities: Counts;
  firstUtc: string | null;
  lastUtc: string | null;
  topErrorCodes: Array<{ code: string; names: string[]; message: string; count: number }>;
}

const TOP_CODES = 10;

type CodeCount = { code: string; names: string[]; message: string; count: number };

/**
 * Failure codes in error and warning records, most frequent first, decoded. Success and no-op codes
 * (S_FALSE, WU_E_NOOP, 3010) are not counted. Each record names its code for its own context
 * (component, file, words); a code's row takes the naming most of its records chose.
 */
function topErrorCodes(results: ParseResult[]): Stats['topErrorCodes'] {
  const namings = new Map<string, Map<string, CodeCount>>();
  const consider = (r: LogRecord) => r.severity === 'error' || r.severity === 'warning';
  for (const result of results) {
    for (const record of result.records) {
      if (!consider(record)) continue;
      const context = { text: record.message, component: record.component, file: record.file };
      for (const match of findCodes(record.message)) {
        const info = decodeMatch(match, context);
        if (info.outcome !== 'failure') continue;
        // A code the tables do not name still says its facility: better than a blank line.
        const message = info.known ? info.message : `not in the reference tables; ${facilityText(info.facility, info.facilityCode)}`;
        const byNaming = namings.get(info.code) ?? new Map<string, CodeCount>();
        const key = info.names.join('\u0000');
        const entry = byNaming.get(key) ?? { code: info.code, names: info.names, message, count: 0 };
        entry.count++;
        byNaming.set(key, entry);
        namings.set(info.code, byNaming);
      }
    }
  }
  const counts = [...namings.values()].map((byNaming) => {
    const all = [...byNaming.values()];
    const best = all.reduce((a, b) => (b.count > a.count ? b : a));
    return { ...best, count: all.reduce((n, e) => n + e.count, 0) };
  });
  return counts.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, TOP_CODES);
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
  const records = files.reduce((n, f) => n + f.records, 0);
  return { records, files, formats, severities, firstUtc: toIsoUtc(first), lastUtc: toIsoUtc(last), topErrorCodes: topErrorCodes(results) };
}

/** cmlogs stats FILE|DIR... [--json] */
export async function runStats(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const results = await parseAll(logFilesFrom(args.positional));
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
  if (stats.topErrorCodes.length) {
    write('top error codes (in error and warning records):');
    for (const c of stats.topErrorCodes) write(inertForTerminal(`  ${String(c.count).padStart(6)}  ${c.code}  ${c.names[0] ?? ''}${c.message ? '  ' + c.message.slice(0, 90) : ''}`));
  }
  write('by file:');
  for (const f of stats.files) {
    const damaged = f.damaged ? ` damaged=${f.damaged}` : '';
    write(inertForTerminal(`  ${f.file}  [${f.format}, ${f.encoding}] records=${f.records} ${counts(f.severities)}${damaged}  ${f.firstUtc ?? '-'} .. ${f.lastUtc ?? '-'}`));
  }
}
