import { describeUtcSource } from '../core/clock';
import { groupRollovers } from '../core/files';
import { RecordJsonBytes } from '../core/output/jsonBytes';
import { recordLineAt } from '../core/output/records';
import type { OutputSink } from '../core/output/sink';
import type { ParseResult } from '../core/parse';
import type { RecordTable } from '../core/table';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseInOrder, stdoutSink } from './common';

/**
 * cmlogs parse FILE|DIR... [--json] [--rollover] [--offset UTC+01:00]. Files are parsed on all cores and printed
 * in order, each as soon as its times are settled: a log that writes local time with no zone takes its UTC from
 * the other logs of its folder (core/clock.ts), so it waits for them. With --json every NDJSON line is a record:
 * where --rollover passes from one file of a log to the next, the first record of the next carries
 * `rollover: { from, to }` (the text output prints a marker line instead). Records are printed from the table's
 * columns through one reused buffer (core/output): no record object, no write call per line.
 */
export async function runParse(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [OFFSET_OPTION]);
  const files = logFilesFrom(args.positional);
  const json = args.flags.has('json');
  const groups = args.flags.has('rollover') ? [...groupRollovers(files).values()] : files.map((f) => [f]);
  // The order files are printed in, and the file each one rolls over from.
  const sequence = groups.flat();
  const previous = new Map(groups.flatMap((group) => group.slice(1).map((file, i) => [file, group[i]] as const)));
  const out = stdoutSink();
  await parseInOrder(sequence, args, async (result) => {
    const from = previous.get(result.file);
    const rollover = from === undefined ? null : { from, to: result.file };
    if (json) await printJson(out, result.records, rollover);
    else await printText(out, result, rollover);
  });
  await out.end();
  return 0;
}

async function printJson(
  out: OutputSink,
  records: RecordTable,
  rollover: { from: string; to: string } | null,
): Promise<void> {
  const json = new RecordJsonBytes(records);
  for (let k = 0; k < records.length; k++) {
    if (out.full) await out.flush();
    const extra = k === 0 && rollover ? `,"rollover":${JSON.stringify(rollover)}` : '';
    json.write(out, k, records.utcSource(k), extra);
  }
}

async function printText(
  out: OutputSink,
  result: ParseResult,
  rollover: { from: string; to: string } | null,
): Promise<void> {
  const { records, file } = result;
  if (rollover) out.line(`---- rollover: ${rollover.from} → ${rollover.to} ----`);
  for (let k = 0; k < records.length; k++) {
    if (out.full) await out.flush();
    out.line(recordLineAt(records, k, records.utcSource(k)));
  }
  // Notes go to stderr after the file's records: what is printed so far goes first.
  await out.flush();
  noteZone(records);
  if (result.warningCount)
    process.stderr.write(
      inertForTerminal(
        `${file}: ${result.warningCount} damaged record(s), first at line ${result.warnings[0].line}: ${result.warnings[0].message}`,
      ) + '\n',
    );
}

/** Says on stderr, once per file, when its times are not the log's own: inferred, set, or local of unknown zone. */
function noteZone(records: RecordTable): void {
  for (let i = 0; i < records.length; i++) {
    if (records.biasMinutes(i) !== null || records.wallTime(i) === null) continue;
    process.stderr.write(
      inertForTerminal(`${records.file}: time zone ${describeUtcSource(records.utcSource(i))}`) + '\n',
    );
    return;
  }
}
