import { normaliseGuid } from '../core/keys';
import { matchesTimeline, mergeOrder, recordKeys, type TimelineFilter } from '../core/timeline';
import { toIsoUtc } from '../core/time';
import { logFilesFrom, parseAll, parseArgs, recordJson, recordLine, write } from './common';

/** cmlogs timeline FILE|DIR... [--json] [--key GUID|KB] [--errors] */
export async function runTimeline(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key']);
  const sources = await parseAll(logFilesFrom(args.positional));
  const key = args.values.get('key');
  const filter: TimelineFilter = {
    key: key ? (/^kb\d+$/i.test(key) ? key.toUpperCase() : normaliseGuid(key)) : undefined,
    severities: args.flags.has('errors') ? new Set(['error']) : undefined,
  };
  // The merge as typed arrays, one item at a time: a folder of a million records is not a million objects.
  const order = mergeOrder(sources);
  for (let i = 0; i < order.length; i++) {
    const item = order.item(i);
    if (!matchesTimeline(item, filter)) continue;
    const { record, time } = item;
    if (args.flags.has('json')) write(recordJson(record, { time: toIsoUtc(time), keys: recordKeys(record) }));
    else write(recordLine(record));
  }
  return 0;
}
