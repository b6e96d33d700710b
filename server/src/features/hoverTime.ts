// Hover on the parts of a record outside its message: its time (UTC, as logged, on this machine, and how
// long after the previous record), its thread, its component, its type.
import { format } from 'date-fns';
import { CMTRACE_HEADER } from '../core/formats/cmtrace';
import type { ColumnKind } from '../core/formats/format';
import { formatById } from '../core/formats/registry';
import { SMS_MARK } from '../core/formats/sms';
import type { LogRecord } from '../core/record';
import { sourceLogPath } from '../core/clock';
import { markdownCode } from '../core/text';
import { biasToOffset, toIsoUtc, type UtcSource } from '../core/time';
import { RecordTable } from '../core/table';

export type TimeDisplay = 'utc' | 'logLocal' | 'machineLocal';
export type HeaderPart = ColumnKind;

const ATTRIBUTE = /\b(\w+)="[^"]*"/g;
const SMS_PARTS = /<([^<>]*)>/g;

/** Which part of a record's non-message text the cursor is on. */
export function headerPartAt(record: LogRecord, lineText: string, character: number): HeaderPart | undefined {
  if (record.format === 'cmtrace') return cmtracePart(lineText, character);
  if (record.format === 'sms') return smsPart(lineText, character);
  return prefixPart(record, lineText, character);
}

function cmtracePart(lineText: string, character: number): HeaderPart | undefined {
  const header = lineText.indexOf(CMTRACE_HEADER);
  if (header < 0 || character < header) return lineText.startsWith('<![LOG[') && character < 7 ? 'time' : undefined;
  ATTRIBUTE.lastIndex = header;
  for (let m = ATTRIBUTE.exec(lineText); m; m = ATTRIBUTE.exec(lineText)) {
    if (character < m.index || character > m.index + m[0].length) continue;
    const name = m[1].toLowerCase();
    if (name === 'time' || name === 'date') return 'time';
    if (name === 'thread' || name === 'component' || name === 'type') return name;
    return 'other';
  }
  return 'time';
}

function smsPart(lineText: string, character: number): HeaderPart | undefined {
  const trailer = lineText.lastIndexOf(SMS_MARK);
  if (trailer < 0 || character < trailer) return undefined;
  const parts: HeaderPart[] = ['component', 'time', 'thread'];
  SMS_PARTS.lastIndex = trailer;
  for (let i = 0, m = SMS_PARTS.exec(lineText); m && i < 3; i++, m = SMS_PARTS.exec(lineText)) {
    if (character >= m.index && character <= m.index + m[0].length) return parts[i];
  }
  return 'time';
}

/** Timestamp-first formats: date, time, [pid, thread, component] columns before the message. */
function prefixPart(record: LogRecord, lineText: string, character: number): HeaderPart | undefined {
  if (character >= record.column) return undefined;
  const format = formatById(record.format);
  if (format.columnAt) return format.columnAt(lineText.slice(0, record.column), character) ?? 'time';
  const tokens = [...lineText.slice(0, record.column).matchAll(/\S+/g)];
  const token = tokens.findIndex((t) => character >= t.index! && character <= t.index! + t[0].length);
  return format.columns?.[token] ?? 'time';
}

/**
 * `folders`: the workspace folders, which the log an inferred UTC came from is named relative to (its full path
 * outside them), so that two machines' logs of one name are told apart.
 */
export function timeHover(
  records: RecordTable,
  index: number,
  display: TimeDisplay,
  folders: readonly string[] = [],
): string {
  const record = records.get(index);
  if (record.utc === null && record.local === null)
    return `**Time**: this record has no usable time${record.damaged ? ` (${markdownCode(record.damaged)})` : ''}; it keeps its place after the record before it.`;
  if (record.utc === null) return localOnlyHover(records, index, record);
  const source = records.utcSource(index);
  const asLogged =
    record.biasMinutes !== null
      ? ` ${biasToOffset(record.biasMinutes)} (bias ${signed(record.biasMinutes)}: UTC = local + bias)`
      : ' (the log gives no time zone)';
  const rows: Record<TimeDisplay, string> = {
    utc: `UTC: ${markdownCode(toIsoUtc(record.utc)!)}${source.kind === 'inferred' || source.kind === 'user' ? ` (${source.kind})` : ''}`,
    logLocal: `As logged: ${markdownCode((record.local ?? '').replace('T', ' '))}${asLogged}`,
    machineLocal: `This machine: ${markdownCode(format(new Date(record.utc), 'yyyy-MM-dd HH:mm:ss.SSS xxx'))}`,
  };
  const order: TimeDisplay[] = [
    display,
    ...(['utc', 'logLocal', 'machineLocal'] as TimeDisplay[]).filter((d) => d !== display),
  ];
  const lines = ['**Time**', ...order.map((d) => rows[d])];
  if (source.kind === 'inferred' || source.kind === 'user') lines.push(`Time zone: ${zoneLine(source, folders)}`);
  const previous = previousTimed(records, index);
  if (previous)
    lines.push(`Since the previous record (line ${previous.line}): ${formatDelta(record.utc - previous.utc!)}`);
  return lines.join('\n\n');
}

/** A record whose log writes local time and whose folder tells no zone: its local time, and never a UTC one. */
function localOnlyHover(records: RecordTable, index: number, record: LogRecord): string {
  const lines = [
    '**Time**',
    `As logged: ${markdownCode(record.local!.replace('T', ' '))} (local time, time zone unknown)`,
    'No UTC time: this log writes local time with no zone, and no log of its folder gives one. The timeline places it by its local time, marked. Set the zone with **ConfigMgr: Set Time Offset for Folder**.',
  ];
  const wall = records.wallTime(index)!;
  for (let i = index - 1; i >= 0; i--) {
    const before = records.wallTime(i);
    if (before === null) continue;
    lines.push(`Since the previous record (line ${records.get(i).line}, same clock): ${formatDelta(wall - before)}`);
    break;
  }
  return lines.join('\n\n');
}

/** "bias -60 (UTC+01:00), inferred from `PC01/ccmsetup.log` of the same folder": the log's path is text from disk, kept inert. */
function zoneLine(source: UtcSource, folders: readonly string[]): string {
  const bias = source.biasMinutes ?? 0;
  const zone = `bias ${signed(bias)} (${biasToOffset(bias)})`;
  if (source.kind === 'user') return `${zone}, the offset set for this folder (\`cmlogs.folderOffsets\`)`;
  const from = source.from ? sourceLogPath(source.from, folders) : '';
  return `${zone}, inferred from ${markdownCode(from)} of the same folder (this log writes local time with no zone)`;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n}`;
}

function previousTimed(records: RecordTable, index: number): LogRecord | undefined {
  for (let i = index - 1; i >= 0; i--) if (records.utc(i) !== null) return records.get(i);
  return undefined;
}

/** "+1.234 s", "+2 min 3.5 s", "-4 h 0 min" — precise to the millisecond, readable at a glance. */
export function formatDelta(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  const seconds = (rest - minutes * 60_000) / 1000;
  if (days) return `${sign}${days} d ${hours} h ${minutes} min`;
  if (hours) return `${sign}${hours} h ${minutes} min ${seconds.toFixed(0)} s`;
  if (minutes) return `${sign}${minutes} min ${seconds.toFixed(3)} s`;
  return `${sign}${seconds.toFixed(3)} s`;
}

export function threadHover(records: RecordTable, record: LogRecord): string {
  if (record.thread === null) return '**Thread**: not given by this record.';
  const same = records.filter((r) => r.thread === record.thread);
  const timed = same.filter((r) => r.utc !== null);
  const components = [...new Set(same.map((r) => r.component).filter(Boolean))].slice(0, 8);
  const span = timed.length ? `, ${toIsoUtc(timed[0].utc)} → ${toIsoUtc(timed[timed.length - 1].utc)} (UTC)` : '';
  return [
    `**Thread ${record.thread}** (0x${record.thread.toString(16).toUpperCase()})`,
    `${same.length} records in this file${span}`,
    components.length ? `Components: ${components.map(markdownCode).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
