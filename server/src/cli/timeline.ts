import { normaliseGuid } from '../core/keys';
import { filterTimeline, mergeTimeline, recordKeys } from '../core/timeline';
import { toIsoUtc } from '../core/time';
import { logFilesFrom, parseAll, parseArgs, recordJson, recordLine, write } from './common';

/** cmlogs timeline FILE|DIR... [--json] [--key GUID|KB] [--errors] */
export async function runTimeline(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key']);
  const sources = await parseAll(logFilesFrom(args.positional));
  const key = args.values.get('key');
  const items = filterTimeline(mergeTimeline(sources), {
    key: key ? (/^kb\d+$/i.test(key) ? key.toUpperCase() : normaliseGuid(key)) : undefined,
    severities: args.flags.has('errors') ? new Set(['error']) : undefined,
  });
  for (const { record, time } of items) {
    const keys = recordKeys(record);
    if (args.flags.has('json')) write(recordJson(record, { time: toIsoUtc(time), keys }));
    else write(recordLine(record));
  }
  return 0;
}
