import { formatLookup, lookup } from '../core/decode/lookup';
import { inertForTerminal } from '../core/text';
import { parseArgs, UsageError, write } from './common';

/** cmlogs lookup CODE_OR_ID... [--json]  (e.g. 0x80244021, -2145107935, statmsg 6702, state 500 2) */
export async function runLookup(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const words = args.positional.flatMap((a) => a.trim().split(/\s+/));
  if (!words.length) throw new UsageError('give a code or ID, e.g. 0x80244021, -2145107935, statmsg 6702, state 500 2');
  const results = lookup(words);
  if (args.flags.has('json')) write(JSON.stringify(results, null, 2));
  else write(inertForTerminal(formatLookup(results)));
  return results.some((r) => r.kind === 'unknown') ? 2 : 0;
}
