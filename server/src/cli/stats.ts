import { fileCodes } from '../core/decode/fileCodes';
import type { ParseResult } from '../core/parse';
import { summarizeTable } from '../core/stats/fileSummary';
import { FailureCodeTally } from '../core/stats/topCodes';
import { toIsoUtc } from '../core/time';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseClocked, write } from './common';

type Counts = Record<string, number>;

export interface Stats {
  records: number;
  files: Array<{
    file: string;
    format: string;
    encoding: string;
    records: number;
    lines: number;
    damaged: number;
    /** The first damaged record's line and what is wrong with it (or what is wrong with the file). */
    firstDamage?: { line: number; message: string };
    severities: Counts;
    firstUtc: string | null;
    lastUtc: string | null;
    /** Records by where their UTC comes from (log, inferred, user, none: see core/clock.ts). */
    utcSources: Counts;
    /** The span in local time of the records with no UTC (their zone is unknown), or null when there are none. */
    localOnly: { first: string; last: string } | null;
  }>;
  formats: Counts;
  severities: Counts;
  firstUtc: string | null;
  lastUtc: string | null;
  topErrorCodes: Array<{ code: string; names: string[]; message: string; count: number }>;
}

const TOP_CODES = 10;
/** How many files may still be parsing when the top codes so far are named: a worker's files in flight (parallel.ts). */
const LAST_FILES = 2;

/** The top failure codes of the error and warning records (collected while parsing, else read from the tables). */
function topCodesOf(results: ParseResult[]): Stats['topErrorCodes'] {
  const tally = new FailureCodeTally();
  results.forEach((result, index) => tally.add(index, result.failureCodes ?? fileCodes(result.records)));
  return tally.top(TOP_CODES);
}

/**
 * Counts, spans and codes from the tables' columns: no record object is made, and messages are read only for
 * the error and warning records (their codes). Counts list their keys in order of first appearance.
 */
export function computeStats(results: ParseResult[], topCodes = topCodesOf(results)): Stats {
  const formats: Counts = {};
  const severities: Counts = {};
  let first: number | null = null;
  let last: number | null = null;
  const files = results.map((result) => {
    const table = result.records;
    // Counted by the thread that parsed the file when the parse was asked for it (core/stats/fileSummary.ts); the
    // time span of a log whose UTC comes from the folder's clock only now that every clock is set.
    const summary = result.summary ?? summarizeTable(table);
    const own = Object.fromEntries(summary.severities);
    addCounts(severities, own);
    addCounts(formats, Object.fromEntries(summary.formats));
    // Spans and sources in one loop over the time columns (RecordTable.timeSummary).
    const { first: fileFirst, last: fileLast, sources: utcSources, localOnly } = summary.time ?? table.timeSummary();
    if (fileFirst !== null && (first === null || fileFirst < first)) first = fileFirst;
    if (fileLast !== null && (last === null || fileLast > last)) last = fileLast;
    return {
      file: result.file,
      format: result.format,
      encoding: result.encoding,
      records: table.length,
      lines: result.lineCount,
      damaged: result.warningCount,
      ...(result.warnings[0] && {
        firstDamage: { line: result.warnings[0].line, message: result.warnings[0].message },
      }),
      severities: own,
      firstUtc: toIsoUtc(fileFirst),
      lastUtc: toIsoUtc(fileLast),
      utcSources,
      localOnly,
    };
  });
  const records = files.reduce((n, f) => n + f.records, 0);
  return {
    records,
    files,
    formats,
    severities,
    firstUtc: toIsoUtc(first),
    lastUtc: toIsoUtc(last),
    topErrorCodes: topCodes,
  };
}

/** Adds a file's counts to the totals (a key new to the totals goes after the ones they have). */
function addCounts(total: Counts, counts: Counts): void {
  for (const [key, n] of Object.entries(counts)) total[key] = (total[key] ?? 0) + n;
}

/** cmlogs stats FILE|DIR... [--json] [--offset UTC+01:00] */
export async function runStats(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [OFFSET_OPTION]);
  // Whichever thread parses a file collects the messages of its error and warning records; this thread searches
  // them for codes as each file comes in, while the workers parse the others, and names the top ones at the end
  // (core/decode/fileCodes.ts, core/stats/topCodes.ts).
  const tally = new FailureCodeTally();
  const files = logFilesFrom(args.positional);
  let counted = 0;
  const searchCodes = (result: ParseResult, index: number) => {
    tally.add(index, result.failureCodes ?? fileCodes(result.records));
    result.failureCodes = undefined; // the tally holds them now
    // The last files are on the workers, and this thread would wait for them: it names the top codes so far
    // meanwhile, so that only the last files' messages are left to name after them (FailureCodeTally.prepareTop).
    // None left: tally.top names the rest at once (a call here would walk the messages once more for nothing).
    const left = files.length - ++counted;
    if (left > 0 && left <= LAST_FILES) tally.prepareTop(TOP_CODES);
  };
  const results = await parseClocked(files, args, searchCodes, {
    failureCodes: true,
    summary: true,
  });
  const stats = computeStats(results, tally.top(TOP_CODES));
  if (args.flags.has('json')) write(JSON.stringify(stats, null, 2));
  else printStats(stats);
  return 0;
}

const counts = (c: Counts) =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

function printStats(stats: Stats): void {
  write(`records: ${stats.records}`);
  write(`time span (UTC): ${stats.firstUtc ?? '-'} .. ${stats.lastUtc ?? '-'}`);
  write(`by format: ${counts(stats.formats)}`);
  write(`by severity: ${counts(stats.severities)}`);
  if (stats.topErrorCodes.length) {
    write('top error codes (in error and warning records):');
    for (const c of stats.topErrorCodes)
      write(
        inertForTerminal(
          `  ${String(c.count).padStart(6)}  ${c.code}  ${c.names[0] ?? ''}${c.message ? '  ' + c.message.slice(0, 90) : ''}`,
        ),
      );
  }
  write('by file:');
  for (const f of stats.files) {
    const damaged = f.damaged ? ` damaged=${f.damaged}` : '';
    write(
      inertForTerminal(
        `  ${f.file}  [${f.format}, ${f.encoding}] records=${f.records} ${counts(f.severities)}${damaged}  ${f.firstUtc ?? '-'} .. ${f.lastUtc ?? '-'}${zoneNote(f)}`,
      ),
    );
    if (f.firstDamage)
      write(inertForTerminal(`      line ${f.firstDamage.line}: ${f.firstDamage.message.slice(0, 200)}`));
  }
}

/** How a file's times were had, when not all from the log itself: inferred / set UTC, or local times of unknown zone. */
function zoneNote(f: Stats['files'][number]): string {
  const notes: string[] = [];
  if (f.utcSources.inferred)
    notes.push(`UTC of ${f.utcSources.inferred} records inferred from the folder's other logs`);
  if (f.utcSources.user) notes.push(`UTC of ${f.utcSources.user} records by the offset given`);
  if (f.localOnly)
    notes.push(
      `${f.utcSources.none ?? 0} records in local time, zone unknown: ${f.localOnly.first.replace('T', ' ')} .. ${f.localOnly.last.replace('T', ' ')}`,
    );
  return notes.length ? `  (${notes.join('; ')})` : '';
}
