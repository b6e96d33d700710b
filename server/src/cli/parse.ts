import { groupRollovers } from '../core/files';
import { parseFile } from '../core/parse';
import type { LogRecord } from '../core/record';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, parseArgs, recordJson, recordLine, write } from './common';

/**
 * cmlogs parse FILE|DIR... [--json] [--rollover]. With --json every NDJSON line is a record: where --rollover
 * passes from one file of a log to the next, the first record of the next carries `rollover: { from, to }`
 * (the text output prints a marker line instead).
 */
export async function runParse(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const files = logFilesFrom(args.positional);
  const json = args.flags.has('json');
  let rollover: { from: string; to: string } | null = null;
  const show = (record: LogRecord) => {
    if (!json) return write(recordLine(record));
    write(rollover ? recordJson(record, { rollover }) : recordJson(record));
    rollover = null;
  };
  const groups = args.flags.has('rollover') ? [...groupRollovers(files).values()] : files.map((f) => [f]);
  for (const group of groups) {
    for (const [i, file] of group.entries()) {
      rollover = null;
      if (i > 0 && json) rollover = { from: group[i - 1], to: file };
      else if (i > 0) write(`---- rollover: ${group[i - 1]} → ${file} ----`);
      const result = await parseFile(file, { onRecord: show });
      if (!json && result.warningCount) process.stderr.write(inertForTerminal(`${file}: ${result.warningCount} damaged record(s), first at line ${result.warnings[0].line}: ${result.warnings[0].message}`) + '\n');
    }
  }
  return 0;
}
