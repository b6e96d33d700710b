// NDJSON records written as bytes straight into the output buffer (core/output/sink.ts): the fields from the
// table's columns (numbers as digits, times from a per-minute prefix, pool strings encoded once per table) and
// the message copied from the bytes it is stored as (the file's or the table's), when it needs no escape. A
// record made as a string first (records.ts) cost a template of 15 parts, its flattening, its UTF-8 encoding
// and the message decoded and re-escaped: most of `cmlogs parse --json`. The bytes are the same as
// RecordJson.of's (test/unit/cli.output.test.ts); a record this writer does not take (a message with quotes,
// backslashes, control characters or non-ASCII bytes, a time outside years 1000-9999, a very long record) is
// written from RecordJson.of.
import type { RecordTable } from '../table';
import type { UtcSource } from '../time';
import { RecordJson, utcSourceJson } from './records';
import type { LineTarget } from './sink';

/** A message that JSON.stringify would copy as it is: no quote, backslash, control character or non-ASCII byte. */
const NEEDS_CARE = /[\u0000-\u001f"\\\u0080-\u00ff]/;
/** Text that is not printable ASCII (control characters, bytes of multi-byte characters). */
const NOT_ASCII_TEXT = /[\u0000-\u001f\u0080-\u00ff]/;
/** The longest record written here (the sink keeps at least 64 KB free). */
const MAX_RECORD_BYTES = 48 * 1024;

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** A plain Uint8Array (not a Buffer): `put` then always sees one kind of array. */
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const LINE = ascii(',"line":');
const END_LINE = ascii(',"endLine":');
const COLUMN = ascii(',"column":');
const FORMAT = ascii(',"format":"');
const UTC = ascii('","utc":');
const LOCAL = ascii(',"local":');
const BIAS = ascii(',"biasMinutes":');
const THREAD = ascii(',"thread":');
const SEVERITY = ascii(',"severity":"');
const RAW_TYPE = ascii('","rawType":');
const MESSAGE = ascii(',"message":"');
const UTC_SOURCE = ascii(',"utcSource":');
const NULL = ascii('null');

export class RecordJsonBytes {
  private readonly strings: RecordJson;
  private readonly head: Uint8Array;
  /** Per pool id: `,"name":"value"` as UTF-8 (empty when the pool has no value), one cache per field. */
  private readonly pools = new Map<string, Array<Uint8Array | undefined>>();
  private readonly names = new Map<string, Uint8Array>();
  private readonly sources = new Map<UtcSource, Uint8Array>();

  constructor(private readonly table: RecordTable) {
    this.strings = new RecordJson(table);
    this.head = utf8(`{"file":${JSON.stringify(table.file)}`);
  }

  /**
   * Writes record i's line into the target, which must have 64 KB free (a sink that is not `full`). `extra` is what RecordJson.of takes, or makes
   * it from the message's text (for its keys: given as latin1 when the record is written from its bytes, which
   * has the same GUIDs and KB numbers as the UTF-8 text, both being ASCII).
   */
  write(sink: LineTarget, i: number, source: UtcSource, extra: string | ((text: string) => string) = ''): void {
    const t = this.table;
    const start = t.findMessage(i);
    const bytes = t.foundBytes;
    const end = t.foundEnd;
    const text = start >= 0 && end - start <= MAX_RECORD_BYTES / 2 ? bytes.toString('latin1', start, end) : null;
    // Quotes and backslashes (Windows paths) are escaped here; control characters and non-ASCII text are left to
    // JSON.stringify (they take \uXXXX forms, and multi-line messages kept in the file must lose their CRs).
    const escapes = text === null ? false : NEEDS_CARE.test(text);
    if (text === null || (escapes && NOT_ASCII_TEXT.test(text))) return this.writeString(sink, i, source, extra);
    const more = typeof extra === 'string' ? extra : extra(text);
    if (!this.fits(i, source, more, end - start)) return this.writeString(sink, i, source, extra);
    const utc = t.utc(i);
    const wall = t.hasKeptLocal(i) ? null : t.wallTime(i);
    if ((utc !== null && !inYears(utc)) || (wall !== null && !inYears(wall)))
      return this.writeString(sink, i, source, extra);
    const out = sink.buffer;
    let at = sink.used;
    at = put(out, at, this.head);
    at = put(out, at, LINE);
    at = putNumber(out, at, t.line(i));
    at = put(out, at, END_LINE);
    at = putNumber(out, at, t.endLine(i));
    at = put(out, at, COLUMN);
    at = putNumber(out, at, t.columnAt(i));
    at = put(out, at, FORMAT);
    at = put(out, at, this.name(t.format(i)));
    at = put(out, at, UTC);
    at = utc === null ? put(out, at, NULL) : putTime(out, at, utc, utcMinute, true);
    at = put(out, at, LOCAL);
    if (wall !== null) at = putTime(out, at, wall, localMinute, false);
    else {
      const local = t.localAt(i);
      at = local === null ? put(out, at, NULL) : at + out.write(JSON.stringify(local), at);
    }
    at = put(out, at, BIAS);
    const bias = t.biasMinutes(i);
    at = bias === null ? put(out, at, NULL) : putNumber(out, at, bias);
    at = put(out, at, this.pool('component', t.componentId(i)));
    at = put(out, at, this.pool('context', t.contextIdAt(i)));
    at = put(out, at, THREAD);
    const thread = t.thread(i);
    at = thread === null ? put(out, at, NULL) : putNumber(out, at, thread);
    at = put(out, at, SEVERITY);
    at = put(out, at, this.name(t.severity(i)));
    at = put(out, at, RAW_TYPE);
    const rawType = t.rawTypeIdAt(i);
    at = t.strings.value(rawType) === null ? put(out, at, NULL) : put(out, at, this.pool('', rawType));
    at = put(out, at, MESSAGE);
    at = escapes ? putEscaped(out, at, bytes, start, end) : at + bytes.copy(out, at, start, end);
    out[at++] = 34; // "
    at = put(out, at, this.pool('sourceFile', t.sourceFileIdAt(i)));
    const damaged = t.damageAt(i);
    if (damaged !== undefined) at += out.write(`,"damaged":${JSON.stringify(damaged)}`, at);
    at = put(out, at, UTC_SOURCE);
    at = put(out, at, this.source(source));
    if (more) at += out.write(more, at);
    out[at++] = 125; // }
    out[at++] = 10;
    sink.used = at;
  }

  /** Record i as RecordJson.of makes it. */
  private writeString(
    sink: LineTarget,
    i: number,
    source: UtcSource,
    extra: string | ((text: string) => string),
  ): void {
    const message = this.table.message(i);
    sink.line(this.strings.of(i, source, typeof extra === 'string' ? extra : extra(message), message));
  }

  /** The record's bytes stay under MAX_RECORD_BYTES (pool strings, a damage note and `extra` can be long). */
  private fits(i: number, source: UtcSource, extra: string, messageBytes: number): boolean {
    const t = this.table;
    const damaged = t.damageAt(i);
    const local = t.hasKeptLocal(i) ? t.localAt(i) : null;
    const bytes =
      this.head.length +
      2 * messageBytes + // escapes double a quote or backslash
      400 +
      extra.length * 3 +
      this.source(source).length +
      this.pool('component', t.componentId(i)).length +
      this.pool('context', t.contextIdAt(i)).length +
      this.pool('', t.rawTypeIdAt(i)).length +
      this.pool('sourceFile', t.sourceFileIdAt(i)).length +
      (damaged?.length ?? 0) * 6 +
      (local?.length ?? 0) * 6;
    return bytes <= MAX_RECORD_BYTES;
  }

  private pool(name: string, id: number): Uint8Array {
    let cache = this.pools.get(name);
    if (!cache) this.pools.set(name, (cache = []));
    let bytes = cache[id];
    if (bytes === undefined) {
      const value = this.table.strings.values[id];
      // rawType ('') is written after its key; the others carry theirs, and no key for a missing value.
      const json = value === undefined ? '' : name ? `,"${name}":${JSON.stringify(value)}` : JSON.stringify(value);
      bytes = cache[id] = utf8(json);
    }
    return bytes;
  }

  private name(text: string): Uint8Array {
    let bytes = this.names.get(text);
    if (!bytes) this.names.set(text, (bytes = utf8(text)));
    return bytes;
  }

  private source(source: UtcSource): Uint8Array {
    let bytes = this.sources.get(source);
    if (!bytes) {
      if (this.sources.size > 4096) this.sources.clear();
      this.sources.set(source, (bytes = utf8(utcSourceJson(source))));
    }
    return bytes;
  }
}

/** Printable ASCII bytes as JSON.stringify writes them in a string: a quote or a backslash after a backslash. */
function putEscaped(out: Uint8Array, at: number, bytes: Uint8Array, start: number, end: number): number {
  for (let k = start; k < end; k++) {
    const c = bytes[k];
    if (c === 34 || c === 92) out[at++] = 92;
    out[at++] = c;
  }
  return at;
}

function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  if (bytes.length > 32) {
    out.set(bytes, at);
    return at + bytes.length;
  }
  for (let k = 0; k < bytes.length; k++) out[at + k] = bytes[k];
  return at + bytes.length;
}

/** A number as JSON.stringify writes it: integers as digits, others through String (NaN and Infinity as null). */
function putNumber(out: Uint8Array, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) {
    const text = Number.isFinite(n) ? String(n) : 'null';
    for (let k = 0; k < text.length; k++) out[at + k] = text.charCodeAt(k);
    return at + text.length;
  }
  if (n < 0) {
    out[at++] = 45;
    n = -n;
  }
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  for (let k = digits - 1; k >= 0; k--) {
    out[at + k] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1)];

function inYears(time: number): boolean {
  const t = Math.trunc(time);
  return t >= FOUR_DIGIT_YEARS[0] && t < FOUR_DIGIT_YEARS[1];
}

/** The minute a time prefix ("YYYY-MM-DDTHH:MM:") was made for, and its bytes: one for UTC, one for local times. */
interface MinuteCache {
  minute: number;
  prefix: Uint8Array;
}
const utcMinute: MinuteCache = { minute: NaN, prefix: new Uint8Array(17) };
const localMinute: MinuteCache = { minute: NaN, prefix: new Uint8Array(17) };

/** `"YYYY-MM-DDTHH:MM:SS.mmmZ"` (utc) or `"YYYY-MM-DDTHH:MM:SS.mmm"` (local), as toISOString writes it. */
function putTime(out: Uint8Array, at: number, time: number, cache: MinuteCache, zulu: boolean): number {
  const t = Math.trunc(time) + 0;
  const minute = Math.floor(t / 60_000);
  if (minute !== cache.minute) {
    cache.minute = minute;
    const text = new Date(minute * 60_000).toISOString();
    for (let k = 0; k < 17; k++) cache.prefix[k] = text.charCodeAt(k);
  }
  const inMinute = t - minute * 60_000;
  const second = Math.floor(inMinute / 1000);
  const millis = inMinute % 1000;
  out[at++] = 34;
  for (let k = 0; k < 17; k++) out[at + k] = cache.prefix[k];
  at += 17;
  out[at++] = 48 + Math.floor(second / 10);
  out[at++] = 48 + (second % 10);
  out[at++] = 46;
  out[at++] = 48 + Math.floor(millis / 100);
  out[at++] = 48 + (Math.floor(millis / 10) % 10);
  out[at++] = 48 + (millis % 10);
  if (zulu) out[at++] = 90;
  out[at++] = 34;
  return at;
}
