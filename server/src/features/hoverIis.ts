// Hover on the status columns of an IIS W3C log line. sc-status is an HTTP status (404 is never Win32's error
// 404), read with its sc-substatus (IIS's own 404.x, 401.x ...) and what it means for the site system the URL
// names; sc-win32-status is a Win32 (or, in authentication handshakes, SSPI) code, decoded as one. Which
// column is which comes from the #Fields directive above the line.
import { describeHttpStatus, isHttpStatus } from '../core/decode/httpStatus';
import { lookupCode, lookupWin32 } from '../core/decode/hresult';
import { iisColumnAt, iisFieldNames, iisSubstatusMeaning } from '../core/formats/iis';
import type { LogRecord } from '../core/record';
import type { RecordTable } from '../core/table';
import { escapeMarkdown, markdownCode } from '../core/text';
import { describeCode } from './hoverCodes';

const STATUS_COLUMNS = new Set(['sc-status', 'sc-substatus', 'sc-win32-status']);

/** Win32 statuses IIS logs when the client, not the server, ended the exchange. */
const CLIENT_GONE: Record<number, string> = {
  64: 'The client closed the connection before IIS finished sending (BITS and Delivery Optimization cancel and resume ranged downloads; a browser or agent gave up). Usually harmless; many in a row point at a network device cutting connections.',
  995: 'The request was aborted (the client disconnected or the application pool recycled while it ran).',
  1236: 'The connection was aborted on this side (IIS or the application closed it: a timeout, a recycled pool, a client that stopped reading).',
  10053: 'The connection was aborted on this side.',
  10054: 'The client (or a device between) reset the connection.',
  10060: 'The connection timed out.',
};

/** The hover for the status columns of an IIS data line, or undefined elsewhere. */
export function iisHover(records: RecordTable, index: number, lineText: string, character: number): string | undefined {
  const record = records.get(index);
  if (record.format !== 'iis' || lineText.startsWith('#')) return undefined;
  const names = iisFieldNames(fieldsDirectiveBefore(records, index));
  const column = iisColumnAt(names, lineText, character);
  if (!column || !STATUS_COLUMNS.has(column.name)) return undefined;
  const value = (name: string) => {
    const at = names.indexOf(name);
    const values = lineText.split(' ');
    return at >= 0 && at < values.length ? values[at] : null;
  };
  if (column.name === 'sc-win32-status') return win32StatusHover(column.value);
  return httpStatusHover(record, value('sc-status'), value('sc-substatus'), value('sc-win32-status'));
}

/** The #Fields directive in effect for record `index` (the last one above it), or null before any. */
function fieldsDirectiveBefore(records: RecordTable, index: number): string | null {
  for (let i = index - 1; i >= 0; i--) {
    // Directives are the verbose records of an IIS log: only those are read.
    if (records.severity(i) !== 'verbose') continue;
    const message = records.message(i);
    if (message.startsWith('#Fields:')) return message;
  }
  return null;
}

function httpStatusHover(
  record: LogRecord,
  status: string | null,
  substatus: string | null,
  win32: string | null,
): string | undefined {
  const n = status === null ? NaN : Number(status);
  if (!Number.isInteger(n) || !/^\d{3}$/.test(status!)) return undefined;
  const code = substatus && /^\d+$/.test(substatus) ? `${status}.${substatus}` : status!;
  const http = isHttpStatus(n) ? describeHttpStatus(n, { component: record.component, file: record.file }) : undefined;
  const sub = iisSubstatusMeaning(status!, substatus);
  const kind = n >= 400 ? 'HTTP status (IIS sc-status)' : 'HTTP status (IIS sc-status, not an error)';
  const lines = [
    `**HTTP ${escapeMarkdown(code)}** ${escapeMarkdown(http?.reason ?? 'HTTP status')}${sub ? `: ${escapeMarkdown(sub)}` : ''} · ${kind}`,
  ];
  if (http) lines.push(escapeMarkdown(http.meaning));
  if (record.component) lines.push(`URL: ${markdownCode(record.component)}`);
  if (win32 && /^\d+$/.test(win32) && win32 !== '0') {
    const info = win32Info(win32);
    lines.push(
      `sc-win32-status ${win32}${info.names.length ? ` ${markdownCode(info.names[0])}` : ''} (a Win32 status of the same request)`,
    );
  }
  lines.push(
    '_Reason phrase: RFC 9110; substatus: Microsoft Learn, "The HTTP status code in IIS"; an HTTP status, not a Win32 error._',
  );
  return lines.join('\n\n');
}

function win32Info(value: string) {
  const n = Number(value);
  // Authentication handshakes log SSPI statuses (0x8009030E) as unsigned decimals; the rest are Win32 codes.
  return n > 0xffff ? lookupCode(n) : lookupWin32(n);
}

function win32StatusHover(value: string): string | undefined {
  if (!/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  if (n > 0xffffffff) return undefined;
  if (n === 0) return '**sc-win32-status 0**: the request completed without a Win32 error.';
  const lines = [`**sc-win32-status ${n}** · a Win32 status IIS logged for this request`];
  if (CLIENT_GONE[n]) lines.push(escapeMarkdown(CLIENT_GONE[n]));
  lines.push(describeCode(win32Info(value), value));
  return lines.join('\n\n');
}
