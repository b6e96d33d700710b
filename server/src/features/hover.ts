// Hover: whatever is under the cursor explains itself — an error code, a GUID and where else it occurs,
// a STATMSG, a state message, a time, a thread. Log text is escaped before it reaches markdown.
import type { Hover, Position } from 'vscode-languageserver';
import { formatById } from '../core/formats/registry';
import type { LogIndex } from '../core/logIndex';
import type { LogRecord } from '../core/record';
import { markdownCode, markdownFence } from '../core/text';
import { codeHover } from './hoverCodes';
import { keyHover } from './hoverKeys';
import { statmsgHover, stateMessageHover } from './hoverMessages';
import { iisHover } from './hoverIis';
import { headerPartAt, threadHover, timeHover, type TimeDisplay } from './hoverTime';
import { messageOffset } from './positions';
import { extractXml, prettyXml } from './xml';

export interface HoverSettings {
  timeDisplay: TimeDisplay;
  /** The workspace folders: an inferred UTC names its source log relative to them. */
  folders?: readonly string[];
}

export function hover(
  index: LogIndex,
  file: string,
  position: Position,
  lineText: string,
  settings: HoverSettings,
): Hover | null {
  const hit = index.recordAt(file, position.line + 1);
  if (!hit) return null;
  const { record } = hit;
  const offset = messageOffset(record, position);
  // An IIS line's status columns are HTTP and Win32 statuses by their column, not by their digits.
  const iis =
    record.format === 'iis' ? iisHover(index.file(file)!.records, hit.index, lineText, position.character) : undefined;
  if (iis) return { contents: { kind: 'markdown', value: iis } };
  const timeInMessage = offset >= 0 && formatById(record.format).timeInMessage?.(record.message, offset);
  const markdown =
    offset >= 0 && !timeInMessage
      ? messageHover(index, record, offset)
      : timeInMessage
        ? timeHover(index.file(file)!.records, hit.index, settings.timeDisplay, settings.folders)
        : headerHover(index, file, hit.index, record, lineText, position.character, settings);
  return markdown ? { contents: { kind: 'markdown', value: markdown } } : null;
}

/** Inside the message: the most specific thing under the cursor wins. */
function messageHover(index: LogIndex, record: LogRecord, offset: number): string | undefined {
  return (
    keyHover(index, record, offset) ??
    codeHover(record, offset) ??
    stateMessageHover(record, offset) ??
    statmsgHover(record, offset) ??
    xmlHover(record, offset)
  );
}

const MAX_XML_HOVER = 20_000;

/** Anywhere inside an XML payload (WSUSLocationReply, state message reports, ...): the payload, indented. */
function xmlHover(record: LogRecord, offset: number): string | undefined {
  const xml = extractXml(record.message);
  if (!xml) return undefined;
  const start = record.message.indexOf(xml);
  if (offset < start || offset > start + xml.length) return undefined;
  const pretty = prettyXml(xml);
  if (!pretty) return undefined;
  const shown = pretty.length > MAX_XML_HOVER ? pretty.slice(0, MAX_XML_HOVER) + '\n…' : pretty;
  return `**XML payload** (ConfigMgr: Show XML Payload opens it in full)\n\n${markdownFence(shown, 'xml')}`;
}

/** The severity and what the format's level column means (CMTrace: type="3"). */
function levelHover(record: LogRecord): string {
  if (record.rawType === null) return `**Severity** ${record.severity}`;
  const format = formatById(record.format);
  return `**Severity** ${record.severity} (${format.levelName ?? 'level '}${markdownCode(record.rawType)}${format.levels ? `: ${format.levels}` : ''})`;
}

/** Outside the message (CMTrace header, SMS trailer, timestamp prefix): time, thread, component. */
function headerHover(
  index: LogIndex,
  file: string,
  recordIndex: number,
  record: LogRecord,
  lineText: string,
  character: number,
  settings: HoverSettings,
): string | undefined {
  const part = headerPartAt(record, lineText, character);
  if (!part) return undefined;
  const records = index.file(file)!.records;
  if (part === 'thread') return threadHover(records, record);
  if (part === 'component')
    return `**Component** ${markdownCode(record.component)}: ${records.filter((r) => r.component === record.component).length} records in this file`;
  if (part === 'type') return levelHover(record);
  return timeHover(records, recordIndex, settings.timeDisplay, settings.folders);
}
