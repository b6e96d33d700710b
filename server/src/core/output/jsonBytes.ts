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

/** What a message's bytes need: nothing (JSON.stringify would copy them as they are), */
const PLAIN = 0;
/** quotes or backslashes escaped (printable ASCII otherwise), */
const ESCAPES = 1;
/** or JSON.stringify itself: non-ASCII bytes (multi-byte characters). */
const OTHER_TEXT = 2;
/** ASCII with control characters (a multi-line message's line ends and tabs): written as JSON.stringify escapes them. */
const CONTROLS = 3;
/** The longest record written here (the sink keeps at least 64 KB free). */
const MAX_RECORD_BYTES = 48 * 1024;

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
  private readonly pools = new Map<string, Array<Uint8Array | undefined>>();
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
    // Quotes and backslashes (Windows paths) are escaped here; control characters and non-ASCII text are left to
    // JSON.stringify (they take \uXXXX forms, and multi-line messages kept in the file must lose their CRs).
    const care = careOf(bytes, start, end);
    if (care === OTHER_TEXT) return this.writeString(sink, i, source, extra);
    const more =
      typeof extra === 'string'
        ? extra
        : typeof extra === 'function'
          ? extra(bytes.toString('latin1', start, end))
          : '';
    const moreBytes = typeof extra === 'object' ? extra.maxBytes(end - start) : more.length * 3;
    if (!this.fits(i, source, moreBytes, (care === CONTROLS ? 6 : 2) * (end - start)))
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
    if (care === PLAIN) at = putBytes(out, at, bytes, start, end);
    else if (care === ESCAPES) at = putEscaped(out, at, bytes, start, end);
    else at = putWithControls(out, at, bytes, start, end, t.messageDropsCr(i));
    const damaged = t.damageAt(i);
    if (damaged === undefined) at = put(out, at, this.messageEndToSource(t.sourceFileIdAt(i), source));
    else {
      out[at++] = 34; // "
      at = put(out, at, this.pool('sourceFile', t.sourceFileIdAt(i)));
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
      bytes = joined([BIAS, biasBytes, this.pool('component', component), this.pool('context', context), THREAD]);
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
      const raw = this.table.strings.value(rawType) === null ? NULL : this.pool('', rawType);
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
        this.pool('sourceFile', sourceFile),
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

/** What bytes[start, end) need in a JSON string (PLAIN, ESCAPES or OTHER_TEXT): a loop, no string made. */
function careOf(bytes: Uint8Array, start: number, end: number): number {
  let care = PLAIN;
  for (let k = start; k < end; k++) {
    const c = bytes[k];
    if (c >= 128) return OTHER_TEXT;
    if (c < 32) care = CONTROLS;
    else if ((c === 34 || c === 92) && care === PLAIN) care = ESCAPES;
  }
  return care;
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

/** bytes[start, end) at out[at…]: short runs (most messages) by a loop, as Buffer.copy makes a view per call. */
function putBytes(out: Buffer, at: number, bytes: Buffer, start: number, end: number): number {
  if (end - start > 256) return at + bytes.copy(out, at, start, end);
  for (let k = start; k < end; k++) out[at++] = bytes[k];
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
