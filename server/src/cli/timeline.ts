import { normaliseGuid } from '../core/keys';
import { matchesTimeline, mergeOrder, recordKeys, type TimelineFilter } from '../core/timeline';
import { toIsoUtc } from '../core/time';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseClocked, recordJson, recordLine, write } from './common';

/** cmlogs timeline FILE|DIR... [--json] [--key GUID|KB] [--errors] [--offset UTC+01:00] */
export async function runTimeline(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key', OFFSET_OPTION]);
  const sources = await parseClocked(logFilesFrom(args.positional), args);
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
    const utcSource = item.records.utcSource(item.recordIndex);
    // A record whose zone is unknown has no UTC: it is placed by its local time, and says so.
    const placed = item.placedByLocal ? { placedBy: 'local time (zone unknown)' } : {};
    if (args.flags.has('json'))
      write(recordJson(record, utcSource, { time: toIsoUtc(time), ...placed, keys: recordKeys(record) }));
    else write(recordLine(record, utcSource));
  }
  return 0;
}
