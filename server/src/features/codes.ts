// Error codes in a record, decoded once and shared by diagnostics and hover. The record's text,
// component and file are the context that chooses the name (0x80072F8F in a ccmsetup line is
// ERROR_WINHTTP_SECURE_FAILURE) and the HTTP meaning.
import type { CodeContext } from '../core/decode/codeContext';
import { decodeMatch, findCodes, type CodeMatch } from '../core/decode/findCodes';
import type { CodeInfo } from '../core/decode/hresult';
import type { LogRecord } from '../core/record';

export interface FoundCode {
  match: CodeMatch;
  info: CodeInfo;
}

export function contextOf(record: LogRecord): CodeContext {
  return { text: record.message, component: record.component, file: record.file };
}

export function codesIn(record: LogRecord): FoundCode[] {
  const context = contextOf(record);
  return findCodes(record.message).map((match) => ({ match, info: decodeMatch(match, context) }));
}

/**
 * The failure codes of a record: success codes (0x00000000, S_FALSE, WU_S_*, HTTP 200/304) and no-op
 * codes (WU_E_NOOP) do not explain anything and never make a record a problem.
 */
export function failureCodes(record: LogRecord): FoundCode[] {
  return codesIn(record).filter((c) => c.info.outcome === 'failure');
}

/** "0x80244021 WU_E_PT_HTTP_STATUS_BAD_GATEWAY: Same as HTTP status 502 …" — what a person reads first. */
export function codeTitle(info: CodeInfo): string {
  if (info.http) return `${info.code} ${info.http.reason}: ${info.message}`;
  const names = info.names.length ? ' ' + info.names.join(' / ') : '';
  const message = info.message
    ? `: ${info.message}`
    : info.known
      ? ''
      : ` (not in the reference tables; facility ${info.facility.name ?? info.facility.number}, code ${info.facilityCode})`;
  return `${info.code}${names}${message}`;
}
