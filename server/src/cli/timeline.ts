import { findKeys, normaliseGuid } from '../core/keys';
import { put, putUtcJson, RecordJsonBytes, type ExtraFields } from '../core/output/jsonBytes';
import { KeysJsonBytes } from '../core/output/keysJson';
import { isoJson, recordLineAt } from '../core/output/records';
import { LineBlock, type OutputSink } from '../core/output/sink';
import type { ParseResult } from '../core/parse';
import { mergeOrder, type MergedOrder, type TimelineFilter } from '../core/timeline';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseClocked, stdoutSink } from './common';

/** Positions of the merged order printed per block: their lines are made file by file, then printed in order. */
const BLOCK = 16 * 1024;

/**
 * cmlogs timeline FILE|DIR... [--json] [--key GUID|KB] [--errors] [--offset UTC+01:00]. The merged order (typed
 * arrays, core/timeline.ts) is printed block by block: a block's lines are made file by file (each file's
 * messages are then read from it in order, in large reads, rather than jumping between 40 files at every record)
 * and printed in merged order through one reused buffer. No record object is made.
 */
export async function runTimeline(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['key', OFFSET_OPTION]);
  const sources = await parseClocked(logFilesFrom(args.positional), args);
  const key = args.values.get('key');
  const filter: TimelineFilter = {
    key: key ? (/^kb\d+$/i.test(key) ? key.toUpperCase() : normaliseGuid(key)) : undefined,
    severities: args.flags.has('errors') ? new Set(['error']) : undefined,
  };
  await printTimeline(sources, filter, args.flags.has('json'), stdoutSink());
  return 0;
}

/** The merged timeline of parsed sources into `out`, ended (bench/json-output.ts times this part alone). */
export async function printTimeline(
  sources: ParseResult[],
  filter: TimelineFilter,
  json: boolean,
  out: OutputSink,
): Promise<void> {
  const order = mergeOrder(sources);
  const writers = sources.map((s) => new RecordJsonBytes(s.records));
  const fields = new TimelineFields(order, writers);
  const block = new LineBlock();
  // Where each position's line lies in the block (empty when filtered out).
  const starts = new Int32Array(BLOCK);
  const ends = new Int32Array(BLOCK);
  const bySource = new BlockBySource(sources.length);
  for (let start = 0; start < order.length; start += BLOCK) {
    const end = Math.min(order.length, start + BLOCK);
    bySource.sort(order, start, end);
    block.clear();
    for (let k = 0; k < end - start; k++) {
      const p = bySource.positions[k];
      const table = sources[order.source[p]].records;
      const r = order.record[p];
      starts[p - start] = block.used;
      if (!filter.severities || filter.severities.has(table.severity(r))) {
        if (!filter.key || matchesKey(table.message(r), filter.key)) {
          block.reserve(RECORD_ROOM);
          fields.position = p;
          if (json) writers[order.source[p]].write(block, r, table.utcSource(r), fields);
          else block.line(recordLineAt(table, r, table.utcSource(r)));
        }
      }
      ends[p - start] = block.used;
    }
    // Printed in merged order: a run of positions whose lines lie one after the other in the block (records of one
    // file in a row) goes out as one copy.
    for (let k = 0; k < end - start;) {
      let runEnd = ends[k];
      let next = k + 1;
      while (next < end - start && starts[next] === runEnd && runEnd - starts[k] < RUN_BYTES) runEnd = ends[next++];
      if (runEnd > starts[k]) {
        if (out.full) await out.flush();
        out.bytes(block.buffer, starts[k], runEnd);
      }
      k = next;
    }
  }
  await out.end();
}

/** A run is cut once over this many bytes: with its last line (at most 48 KB) it fits the sink's 64 KB of room. */
const RUN_BYTES = 16 * 1024;

/** Room a record is given in the block (RecordJsonBytes writes records of up to 48 KB itself, longer ones as text). */
const RECORD_ROOM = 64 * 1024;

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const TIME = bytesOf(',"time":');
const NULL = bytesOf('null');
// A record whose zone is unknown has no UTC: it is placed by its local time, and says so.
const PLACED_BY_LOCAL = ',"placedBy":"local time (zone unknown)"';
const PLACED_BY_LOCAL_BYTES = bytesOf(PLACED_BY_LOCAL);
const KEYS = bytesOf(',"keys":');
/** `"YYYY-MM-DDTHH:MM:SS.mmmZ"` */
const UTC_JSON_BYTES = 26;

/**
 * What the timeline adds to the record at `position` of the merged order: its merged time, how it was placed, its
 * keys. Written as bytes from the message's bytes; as text (`text`) for a record written from its text.
 */
class TimelineFields implements ExtraFields {
  position = 0;
  private readonly keys = new KeysJsonBytes();

  constructor(
    private readonly order: MergedOrder,
    /** The writer of each source: its record's `utc` was written just before these fields. */
    private readonly writers: RecordJsonBytes[],
  ) {}

  maxBytes(messageBytes: number): number {
    return 64 + PLACED_BY_LOCAL.length + KeysJsonBytes.maxBytes(messageBytes);
  }

  put(out: Buffer, at: number, bytes: Buffer, start: number, end: number): number {
    const time = this.order.time(this.position);
    at = put(out, at, TIME);
    if (time === null) at = put(out, at, NULL);
    else {
      // Nearly always the record's own UTC (no clock offset, a time of its own): its bytes are there already.
      const writer = this.writers[this.order.source[this.position]];
      const utc = writer.table.utc(this.order.record[this.position]);
      if (utc === time && writer.utcEnd - writer.utcStart === UTC_JSON_BYTES) {
        out.copyWithin(at, writer.utcStart, writer.utcEnd);
        at += UTC_JSON_BYTES;
      } else at = putUtcJson(out, at, time);
    }
    if (this.order.placedByLocal(this.position)) at = put(out, at, PLACED_BY_LOCAL_BYTES);
    at = put(out, at, KEYS);
    return this.keys.put(out, at, bytes, start, end);
  }

  text(message: string): string {
    const time = this.order.time(this.position);
    const placed = this.order.placedByLocal(this.position) ? PLACED_BY_LOCAL : '';
    return `,"time":${time === null ? 'null' : isoJson(time)}${placed},"keys":${keysJson(message)}`;
  }
}

/** The --key filter of matchesTimeline (core/timeline.ts). */
function matchesKey(message: string, key: string): boolean {
  return findKeys(message).some((k) => k.key === key);
}

/** recordKeys of core/timeline.ts as JSON: the distinct keys in order of appearance. */
function keysJson(message: string): string {
  const found = findKeys(message);
  if (!found.length) return '[]';
  let json = '';
  const seen: string[] = [];
  for (const { key } of found) {
    if (seen.includes(key)) continue;
    seen.push(key);
    json += `${json ? ',' : ''}${JSON.stringify(key)}`;
  }
  return `[${json}]`;
}

/** The positions of a block of the merged order grouped by source (a counting sort), in order within each source. */
class BlockBySource {
  readonly positions = new Int32Array(BLOCK);
  private readonly counts: Int32Array;

  constructor(sources: number) {
    this.counts = new Int32Array(sources + 1);
  }

  sort(order: MergedOrder, start: number, end: number): void {
    const counts = this.counts;
    counts.fill(0);
    for (let p = start; p < end; p++) counts[order.source[p] + 1]++;
    for (let s = 1; s < counts.length; s++) counts[s] += counts[s - 1];
    for (let p = start; p < end; p++) this.positions[counts[order.source[p]]++] = p;
  }
}
