// A record of a RecordTable as the CLI prints it (an NDJSON object, or a readable line), made from the table's
// columns: no LogRecord object, the pool strings (component, context, type, source file) escaped once per table,
// times formatted once per minute. The text is the one cli/common.ts's recordJson / recordLine make from a
// LogRecord, to the byte (test/unit/cli.output.test.ts holds the two side by side).
import { inertForTerminal } from '../text';
import type { RecordTable } from '../table';
import { toIsoUtc, type UtcSource } from '../time';

/**
 * Record i of one table as NDJSON: the fields of LogRecord in its order, utc as ISO 8601 with Z, then
 * `utcSource`, then `extra` (already JSON: `,"name":value...`).
 */
export class RecordJson {
  private readonly file: string;
  /** JSON of the pool strings by pool id, made when first needed ('' for a missing value: the key is left out). */
  private readonly pool: string[] = [];

  constructor(readonly table: RecordTable) {
    this.file = JSON.stringify(table.file);
  }

  /** Record i's line; `message` when the caller has read it already (table.message(i)). */
  of(i: number, source: UtcSource, extra = '', message = this.table.message(i)): string {
    const t = this.table;
    const utc = t.utc(i);
    const bias = t.biasMinutes(i);
    const thread = t.thread(i);
    const damaged = t.damageAt(i);
    const rawType = t.strings.value(t.rawTypeIdAt(i));
    let json = `{"file":${this.file},"line":${t.line(i)},"endLine":${t.endLine(i)},"column":${t.columnAt(i)},"format":"${t.format(i)}","utc":${utc === null ? 'null' : isoJson(utc)},"local":${this.localJson(i)},"biasMinutes":${bias === null ? 'null' : bias}`;
    json += this.poolField('component', t.componentId(i));
    json += this.poolField('context', t.contextIdAt(i));
    json += `,"thread":${thread === null ? 'null' : numberJson(thread)},"severity":"${t.severity(i)}","rawType":${rawType === null ? 'null' : JSON.stringify(rawType)},"message":${JSON.stringify(message)}`;
    json += this.poolField('sourceFile', t.sourceFileIdAt(i));
    if (damaged !== undefined) json += `,"damaged":${JSON.stringify(damaged)}`;
    return `${json},"utcSource":${utcSourceJson(source)}${extra}}`;
  }

  private localJson(i: number): string {
    const local = this.table.localAt(i);
    if (local === null) return 'null';
    // A local time the table made is digits and separators; one kept as written is escaped like any text.
    return this.table.hasKeptLocal(i) ? JSON.stringify(local) : `"${local}"`;
  }

  /** `,"name":"value"`, or nothing when the pool has no string for the id (JSON.stringify leaves undefined out). */
  private poolField(name: string, id: number): string {
    let json = this.pool[id];
    if (json === undefined) {
      const value = this.table.strings.values[id];
      json = this.pool[id] = value === undefined ? '' : JSON.stringify(value);
    }
    return json === '' ? '' : `,"${name}":${json}`;
  }
}

function numberJson(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** `"2024-03-04T08:22:44.123Z"`, the minute's text made once a minute (toISOString for each record is slow). */
export function isoJson(utc: number): string {
  return `"${isoUtc(utc)}"`;
}

/** toIsoUtc(utc) for a time that is not null, with the date and minute formatted once per minute. */
export function isoUtc(utc: number): string {
  const t = Math.trunc(utc) + 0; // as Date keeps a time: whole milliseconds (and no -0)
  if (!(t >= FOUR_DIGIT_YEARS[0] && t < FOUR_DIGIT_YEARS[1])) return toIsoUtc(utc)!;
  const minute = Math.floor(t / 60_000);
  if (minute !== isoMinute) {
    isoMinute = minute;
    isoMinutePrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const inMinute = t - minute * 60_000;
  const second = Math.floor(inMinute / 1000);
  const millis = inMinute % 1000;
  return `${isoMinutePrefix}${second < 10 ? '0' : ''}${second}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`;
}

const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1)];
let isoMinute = NaN;
let isoMinutePrefix = '';

/** The JSON of a UtcSource, kept for the few objects a run's clocks hand out (JSON.stringify's key order). */
export function utcSourceJson(source: UtcSource): string {
  if (source === lastSource) return lastSourceJson;
  let json = sourceJson.get(source);
  if (json === undefined) {
    json = JSON.stringify(source);
    if (sourceJson.size > 4096) sourceJson.clear(); // a clock that made a new object per call: stay bounded
    sourceJson.set(source, json);
  }
  lastSource = source;
  lastSourceJson = json;
  return json;
}

const sourceJson = new Map<UtcSource, string>();
let lastSource: UtcSource | null = null;
let lastSourceJson = '';

const SEVERITY_LABEL: Record<string, string> = {
  error: 'ERROR',
  warning: 'WARN ',
  info: 'info ',
  verbose: 'verb ',
  unknown: '?    ',
};

/**
 * One readable line per record: location, time, severity, component, first line of the message. The time is UTC
 * ("...Z"), followed by "~" when its zone was inferred from another log or set by the user; a log that wrote local
 * time with no known zone shows that local time with a space, no "T" and no "Z", and "local" after it: never as UTC.
 */
export function recordLineAt(t: RecordTable, i: number, source: UtcSource, width = 160): string {
  const message = t.message(i);
  const lf = message.indexOf('\n');
  const firstLine = lf < 0 ? message : message.slice(0, lf);
  const line = t.line(i);
  const endLine = t.endLine(i);
  const more = endLine > line ? ` [+${endLine - line} lines]` : '';
  const component = (t.strings.values[t.componentId(i)] ?? '').padEnd(22).slice(0, 22);
  const text = `${timeColumn(t, i, source)}  ${SEVERITY_LABEL[t.severity(i)]}  ${component}  ${firstLine}`;
  return inertForTerminal(`${t.file}:${line}  ${text}`.slice(0, width) + more);
}

function timeColumn(t: RecordTable, i: number, source: UtcSource): string {
  const utc = t.utc(i);
  if (utc !== null) return `${isoUtc(utc)}${source.kind === 'inferred' || source.kind === 'user' ? '~' : ' '}     `;
  const local = t.localAt(i);
  if (local !== null) return `${local.slice(0, 23).replace('T', ' ')} local`;
  return '(no time)                    ';
}
