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
import { isoJson, RecordJson, utcSourceJson } from './records';
import type { LineTarget } from './sink';

// What a message's bytes need, as bits (copyPlain's answer): nothing (JSON.stringify would copy them as they are),
const PLAIN = 0;
/** quotes or backslashes escaped (printable ASCII otherwise), */
const ESCAPES = 1;
/** control characters (a multi-line message's line ends and tabs) written as JSON.stringify escapes them, */
const CONTROLS = 2;
/** or JSON.stringify itself: non-ASCII bytes (multi-byte characters, broken UTF-8). */
const OTHER_TEXT = 4;
/** The longest record written here (the sink keeps at least 64 KB free). */
const MAX_RECORD_BYTES = 48 * 1024;

/** The pool fields a record writes, by their index in `pools` (rawType's value is written after its key). */
const POOL_KEYS = ['component', 'context', '', 'sourceFile'];
const [COMPONENT, CONTEXT, RAW_TYPE, SOURCE_FILE] = [0, 1, 2, 3];

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** A plain Uint8Array (not a Buffer): `put` then always sees one kind of array. */
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const END_LINE = ascii(',"endLine":');
const COLUMN = ascii(',"column":');
const LOCAL = ascii(',"local":');
const BIAS = ascii(',"biasMinutes":');
const THREAD = ascii(',"thread":');
const MESSAGE = ascii(',"message":"');
const UTC_SOURCE = ascii(',"utcSource":');
const NULL = ascii('null');
const QUOTE = ascii('"');

/** Byte arrays one after the other, as one. */
function joined(parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/**
 * Fields a command adds after a record's own (cmlogs timeline: its merged time and keys), written as bytes from the
 * message's bytes, or as text for a record written from its text.
 */
export interface ExtraFields {
  /** The most bytes `put` writes for a message of `messageBytes` bytes. */
  maxBytes(messageBytes: number): number;
  /** Writes the fields at out[at…] for the message bytes[start, end); returns where they end. */
  put(out: Buffer, at: number, bytes: Buffer, start: number, end: number): number;
  /** The same fields as text, from the message's text. */
  text(message: string): string;
}

type Extra = string | ((text: string) => string) | ExtraFields;

export class RecordJsonBytes {
  private readonly strings: RecordJson;
  private readonly head: Uint8Array;
  /** Per pool id: `,"name":"value"` as UTF-8 (empty when the pool has no value), one cache per field. */
  private readonly pools: Array<Array<Uint8Array | undefined>> = POOL_KEYS.map(() => []);
  /** A bound on the bytes of any pool field (see longestPoolField), and how many pool strings it was made from. */
  private poolFieldBound = 0;
  private poolFieldBoundOf = 0;
  private readonly formats = new Map<string, Uint8Array>();
  private lastBiasToThread = { bias: NaN as number | null, component: -1, context: -1, bytes: NULL as Uint8Array };
  private lastSeverityToMessage = { severity: '', rawType: -1, bytes: NULL as Uint8Array };
  private lastMessageEndToSource = { sourceFile: -1, source: null as UtcSource | null, bytes: NULL as Uint8Array };
  /**
   * The runs made before, by their values: a log's records take turns between a few components and severities, and
   * `cmlogs timeline` writes each log's records of a block in turn, so keeping only the last run made a new one at
   * most records (joining them was a tenth of `timeline --json` on the bench corpus, with the garbage it left).
   */
  private readonly biasToThreadRuns = new Map<number, { bias: number | null; bytes: Uint8Array }>();
  private readonly severityToMessageRuns = new Map<string, Uint8Array[]>();
  private readonly messageEndToSourceRuns = new Map<UtcSource, Uint8Array[]>();
  private readonly severities = new Map<string, Uint8Array>();
  private readonly sources = new Map<UtcSource, Uint8Array>();

  /**
   * Where the last record written from its bytes has its `utc` value in the output buffer (`cmlogs timeline`
   * copies it for its merged time, nearly always the same).
   */
  utcStart = 0;
  utcEnd = 0;

  constructor(readonly table: RecordTable) {
    this.strings = new RecordJson(table);
    // With the key of the field after it, as these are always written together: fewer copies per record.
    this.head = utf8(`{"file":${JSON.stringify(table.file)},"line":`);
  }

  /**
   * Writes record i's line into the target, which must have 64 KB free (a sink that is not `full`). `extra` is what RecordJson.of takes, or makes
   * it from the message's text (for its keys: given as latin1 when the record is written from its bytes, which
   * has the same GUIDs and KB numbers as the UTF-8 text, both being ASCII).
   */
  write(sink: LineTarget, i: number, source: UtcSource, extra: Extra = ''): void {
    const t = this.table;
    const start = t.findMessage(i);
    const bytes = t.foundBytes;
    const end = t.foundEnd;
    if (start < 0 || end - start > MAX_RECORD_BYTES / 2) return this.writeString(sink, i, source, extra);
    // The fields before the message need no look at it; the message is then copied as it is while its bytes are
    // checked (one pass for the common case, no escape). Quotes and backslashes (Windows paths) are then escaped
    // here, control characters too (as JSON.stringify does, multi-line messages kept in the file losing their CRs);
    // non-ASCII text is left to JSON.stringify (\uXXXX forms of lone surrogates and broken bytes).
    const objectExtraBytes = typeof extra === 'object' ? extra.maxBytes(end - start) : 0;
    const stringExtraBytes = typeof extra === 'string' ? extra.length * 3 : 0;
    if (!this.fits(i, source, objectExtraBytes + stringExtraBytes, 2 * (end - start)))
      return this.writeString(sink, i, source, extra);
    const utc = t.utc(i);
    const wall = t.hasKeptLocal(i) ? null : t.wallTime(i);
    if ((utc !== null && !inYears(utc)) || (wall !== null && !inYears(wall)))
      return this.writeString(sink, i, source, extra);
    const out = sink.buffer;
    let at = sink.used;
    at = put(out, at, this.head);
    at = putNumber(out, at, t.line(i));
    at = put(out, at, END_LINE);
    at = putNumber(out, at, t.endLine(i));
    at = put(out, at, COLUMN);
    at = putNumber(out, at, t.columnAt(i));
    at = put(out, at, this.formatThenUtc(t.format(i)));
    this.utcStart = at;
    at = utc === null ? put(out, at, NULL) : putTime(out, at, utc, utcMinute, true);
    this.utcEnd = at;
    at = put(out, at, LOCAL);
    if (wall !== null) at = putTime(out, at, wall, localMinute, false);
    else {
      const local = t.localAt(i);
      at = local === null ? put(out, at, NULL) : at + out.write(JSON.stringify(local), at);
    }
    at = put(out, at, this.biasToThread(t.biasMinutes(i), t.componentId(i), t.contextIdAt(i)));
    const thread = t.thread(i);
    at = thread === null ? put(out, at, NULL) : putNumber(out, at, thread);
    at = put(out, at, this.severityToMessage(t.severity(i), t.rawTypeIdAt(i)));
    const care = copyPlain(out, at, bytes, start, end);
    if (care === PLAIN) at += end - start;
    else if (care & OTHER_TEXT) return this.writeString(sink, i, source, extra);
    else if (!(care & CONTROLS)) at = putEscaped(out, at, bytes, start, end);
    else if (this.fits(i, source, objectExtraBytes + stringExtraBytes, 6 * (end - start)))
      at = putWithControls(out, at, bytes, start, end, t.messageDropsCr(i));
    else return this.writeString(sink, i, source, extra);
    // Made from the message's text only now: a record written from its text (above) makes it from that text.
    const more = typeof extra === 'function' ? extra(bytes.toString('latin1', start, end)) : stringExtra(extra);
    if (
      typeof extra === 'function' &&
      !this.fits(i, source, more.length * 3, (care & CONTROLS ? 6 : 2) * (end - start))
    )
      return this.writeString(sink, i, source, extra);
    const damaged = t.damageAt(i);
    if (damaged === undefined) at = put(out, at, this.messageEndToSource(t.sourceFileIdAt(i), source));
    else {
      out[at++] = 34; // "
      at = put(out, at, this.pool(SOURCE_FILE, t.sourceFileIdAt(i)));
      at += out.write(`,"damaged":${JSON.stringify(damaged)}`, at);
      at = put(out, at, UTC_SOURCE);
      at = put(out, at, this.source(source));
    }
    if (more) at += out.write(more, at);
    else if (typeof extra === 'object') at = extra.put(out, at, bytes, start, end);
    out[at++] = 125; // }
    out[at++] = 10;
    sink.used = at;
  }

  /** Record i as RecordJson.of makes it. */
  private writeString(sink: LineTarget, i: number, source: UtcSource, extra: Extra): void {
    const message = this.table.message(i);
    const more = typeof extra === 'string' ? extra : typeof extra === 'function' ? extra(message) : extra.text(message);
    sink.line(this.strings.of(i, source, more, message));
  }

  /** The record's bytes stay under MAX_RECORD_BYTES (pool strings, a damage note and `extra` can be long). */
  private fits(i: number, source: UtcSource, extraBytes: number, escapedBytes: number): boolean {
    const t = this.table;
    const damaged = t.damageAt(i);
    const local = t.hasKeptLocal(i) ? t.localAt(i) : null;
    const bytes =
      this.head.length +
      escapedBytes + // the message as escaped: at most twice the bytes for quotes and backslashes, six times for controls
      400 +
      extraBytes +
      this.source(source).length +
      (damaged?.length ?? 0) * 6 +
      (local?.length ?? 0) * 6;
    // The four pool fields: a bound for them all first (their lookups per record were a few % of the writer).
    if (bytes + 4 * this.longestPoolField() <= MAX_RECORD_BYTES) return true;
    const pools =
      this.pool(COMPONENT, t.componentId(i)).length +
      this.pool(CONTEXT, t.contextIdAt(i)).length +
      this.pool(RAW_TYPE, t.rawTypeIdAt(i)).length +
      this.pool(SOURCE_FILE, t.sourceFileIdAt(i)).length;
    return bytes + pools <= MAX_RECORD_BYTES;
  }

  /** At least the bytes of the longest pool field: its key, and its value escaped (at most 6 bytes a UTF-16 unit). */
  private longestPoolField(): number {
    const values = this.table.strings.values;
    for (let id = this.poolFieldBoundOf; id < values.length; id++)
      this.poolFieldBound = Math.max(this.poolFieldBound, 6 * values[id].length + 20);
    this.poolFieldBoundOf = values.length;
    return this.poolFieldBound;
  }

  /** The bytes of a pool field (`,"component":"CAS"`; rawType: its value alone), one cache per field. */
  private pool(field: number, id: number): Uint8Array {
    const cache = this.pools[field];
    let bytes = cache[id];
    if (bytes === undefined) {
      const value = this.table.strings.values[id];
      // rawType ('') is written after its key; the others carry theirs, and no key for a missing value.
      const name = POOL_KEYS[field];
      const json = value === undefined ? '' : name ? `,"${name}":${JSON.stringify(value)}` : JSON.stringify(value);
      bytes = cache[id] = utf8(json);
    }
    return bytes;
  }

  // Runs of fields written together, kept for the values of the record before (the next one nearly always has
  // the same): one copy instead of five or six.

  /** `,"biasMinutes":<bias>,"component":…,"context":…,"thread":` */
  private biasToThread(bias: number | null, component: number, context: number): Uint8Array {
    const last = this.lastBiasToThread;
    if (last.bias === bias && last.component === component && last.context === context) return last.bytes;
    // Pool ids are small: one number names the pair (else no run is kept by value).
    const key = component < 0x100000 && context < 0x100000 ? component * 0x100000 + context : -1;
    const made = key < 0 ? undefined : this.biasToThreadRuns.get(key);
    let bytes = made?.bias === bias ? made.bytes : undefined;
    if (!bytes) {
      // As putNumber writes it (JSON.stringify's digits; null for what is not a finite number).
      const biasBytes = bias === null || !Number.isFinite(bias) ? NULL : ascii(String(bias));
      bytes = joined([BIAS, biasBytes, this.pool(COMPONENT, component), this.pool(CONTEXT, context), THREAD]);
      if (key >= 0) keep(this.biasToThreadRuns, key, { bias, bytes });
    }
    this.lastBiasToThread = { bias, component, context, bytes };
    return bytes;
  }

  /** `,"severity":"<severity>","rawType":<raw type>,"message":"` */
  private severityToMessage(severity: string, rawType: number): Uint8Array {
    const last = this.lastSeverityToMessage;
    if (last.severity === severity && last.rawType === rawType) return last.bytes;
    let byRawType = this.severityToMessageRuns.get(severity);
    if (!byRawType) this.severityToMessageRuns.set(severity, (byRawType = []));
    let bytes = byRawType[rawType];
    if (!bytes) {
      const raw = this.table.strings.value(rawType) === null ? NULL : this.pool(RAW_TYPE, rawType);
      bytes = byRawType[rawType] = joined([this.severityThenRawType(severity), raw, MESSAGE]);
    }
    this.lastSeverityToMessage = { severity, rawType, bytes };
    return bytes;
  }

  /** `"` (the message's end) `,"sourceFile":…,"utcSource":{…}` */
  private messageEndToSource(sourceFile: number, source: UtcSource): Uint8Array {
    const last = this.lastMessageEndToSource;
    if (last.sourceFile === sourceFile && last.source === source) return last.bytes;
    let bySourceFile = this.messageEndToSourceRuns.get(source);
    if (!bySourceFile) {
      if (this.messageEndToSourceRuns.size > 4096) this.messageEndToSourceRuns.clear();
      this.messageEndToSourceRuns.set(source, (bySourceFile = []));
    }
    let bytes = bySourceFile[sourceFile];
    if (!bytes)
      bytes = bySourceFile[sourceFile] = joined([
        QUOTE,
        this.pool(SOURCE_FILE, sourceFile),
        UTC_SOURCE,
        this.source(source),
      ]);
    this.lastMessageEndToSource = { sourceFile, source, bytes };
    return bytes;
  }

  /** `,"format":"<format>","utc":` */
  private formatThenUtc(format: string): Uint8Array {
    let bytes = this.formats.get(format);
    if (!bytes) this.formats.set(format, (bytes = utf8(`,"format":"${format}","utc":`)));
    return bytes;
  }

  /** `,"severity":"<severity>","rawType":` */
  private severityThenRawType(severity: string): Uint8Array {
    let bytes = this.severities.get(severity);
    if (!bytes) this.severities.set(severity, (bytes = utf8(`,"severity":"${severity}","rawType":`)));
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

/** Keeps a run made, up to 4096 of them (then starts again): a log of ever new values must not grow this. */
function keep<K, V>(runs: Map<K, V>, key: K, value: V): void {
  if (runs.size >= 4096) runs.clear();
  runs.set(key, value);
}

/** What each byte needs in a JSON string: PLAIN, ESCAPES (" and \\), CONTROLS (below 32) or OTHER_TEXT (128 on). */
const CARE = Uint8Array.from({ length: 256 }, (_, c) =>
  c >= 128 ? OTHER_TEXT : c < 32 ? CONTROLS : c === 34 || c === 92 ? ESCAPES : PLAIN,
);

/**
 * Copies bytes[start, end) to out[at…] as they are and returns what they need (the CARE bits of all of them): when
 * not PLAIN the copy is to be written over. One pass for the common message, where a look first and a copy after
 * were two (a fifth of the writer's time).
 */
function copyPlain(out: Uint8Array, at: number, bytes: Uint8Array, start: number, end: number): number {
  let care = 0;
  for (let k = start; k < end; k++) {
    const c = bytes[k];
    out[at++] = c;
    care |= CARE[c];
  }
  return care;
}

/** What `extra` adds as text when it is not made from the message (a string, or nothing for an ExtraFields). */
function stringExtra(extra: string | ExtraFields): string {
  return typeof extra === 'string' ? extra : '';
}

/** JSON.stringify's escapes of the control characters (the short ones, else \u00xx). */
const CONTROL_ESCAPES = Array.from({ length: 32 }, (_, c) =>
  ascii(JSON.stringify(String.fromCharCode(c)).slice(1, -1)),
);

/**
 * ASCII bytes with control characters as JSON.stringify writes their text: the CRs of a multi-line message kept in
 * its file are not in its text (`dropCr`, RecordTable.messageDropsCr), quotes and backslashes escaped.
 */
function putWithControls(
  out: Uint8Array,
  at: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  dropCr: boolean,
): number {
  for (let k = start; k < end; k++) {
    const c = bytes[k];
    if (c >= 32) {
      if (c === 34 || c === 92) out[at++] = 92;
      out[at++] = c;
    } else if (c !== 13 || !dropCr) at = put(out, at, CONTROL_ESCAPES[c]);
  }
  return at;
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

export function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
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

/** A UTC time as isoJson writes it: `"YYYY-MM-DDTHH:MM:SS.mmmZ"`. */
export function putUtcJson(out: Buffer, at: number, utc: number): number {
  return inYears(utc) ? putTime(out, at, utc, utcMinute, true) : at + out.write(isoJson(utc), at);
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
