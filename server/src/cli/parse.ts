import { describeUtcSource } from '../core/clock';
import { groupRollovers } from '../core/files';
import type { RecordTable } from '../core/table';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseClocked, recordJson, recordLine, write } from './common';

/**
 * cmlogs parse FILE|DIR... [--json] [--rollover] [--offset UTC+01:00]. The files are parsed first (on all cores),
 * since a log that writes local time with no zone takes its UTC from the other logs of its folder (core/clock.ts).
 * With --json every NDJSON line is a record: where --rollover passes from one file of a log to the next, the first
 * record of the next carries `rollover: { from, to }` (the text output prints a marker line instead).
 */
export async function runParse(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [OFFSET_OPTION]);
  const files = logFilesFrom(args.positional);
  const json = args.flags.has('json');
  const results = new Map((await parseClocked(files, args)).map((r) => [r.file, r]));
  const groups = args.flags.has('rollover') ? [...groupRollovers(files).values()] : files.map((f) => [f]);
  for (const group of groups) {
    for (const [i, file] of group.entries()) {
      let rollover = i > 0 ? { from: group[i - 1], to: file } : null;
      if (rollover && !json) write(`---- rollover: ${rollover.from} → ${rollover.to} ----`);
      const result = results.get(file)!;
      const { records } = result;
      for (let k = 0; k < records.length; k++) {
        if (!json) {
          write(recordLine(records.get(k), records.utcSource(k)));
          continue;
        }
        write(recordJson(records.get(k), records.utcSource(k), rollover ? { rollover } : {}));
        rollover = null;
      }
      if (!json) noteZone(result.records);
      if (!json && result.warningCount)
        process.stderr.write(
          inertForTerminal(
            `${file}: ${result.warningCount} damaged record(s), first at line ${result.warnings[0].line}: ${result.warnings[0].message}`,
          ) + '\n',
        );
    }
  }
  return 0;
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
