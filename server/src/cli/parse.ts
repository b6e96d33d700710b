import { groupRollovers } from '../core/files';
import { parseFile } from '../core/parse';
import type { LogRecord } from '../core/record';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, parseArgs, recordJson, recordLine, write } from './common';

/** cmlogs parse FILE|DIR... [--json] [--rollover] */
export async function runParse(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const files = logFilesFrom(args.positional);
  const json = args.flags.has('json');
  const show = (record: LogRecord) => write(json ? recordJson(record) : recordLine(record));
  const groups = args.flags.has('rollover') ? [...groupRollovers(files).values()] : files.map((f) => [f]);
  for (const group of groups) {
    for (const [i, file] of group.entries()) {
      if (i > 0) write(json ? JSON.stringify({ rollover: { from: group[i - 1], to: file } }) : `---- rollover: ${group[i - 1]} → ${file} ----`);
      const result = await parseFile(file, { onRecord: show });
      if (!json && result.warningCount) process.stderr.write(inertForTerminal(`${file}: ${result.warningCount} damaged record(s), first at line ${result.warnings[0].line}: ${result.warnings[0].message}`) + '\n');
    }
  }
  return 0;
}
