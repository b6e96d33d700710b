// Error codes in a record, decoded once and shared by diagnostics and hover.
import { decodeMatch, findCodes, type CodeMatch } from '../core/decode/findCodes';
import type { CodeInfo } from '../core/decode/hresult';
import type { LogRecord } from '../core/record';

export interface FoundCode {
  match: CodeMatch;
  info: CodeInfo;
}

export function codesIn(record: LogRecord): FoundCode[] {
  return findCodes(record.message).map((match) => ({ match, info: decodeMatch(match) }));
}

/** The failure codes of a record (success codes such as 0x00000000 do not explain anything). */
export function failureCodes(record: LogRecord): FoundCode[] {
  return codesIn(record).filter((c) => c.info.severity === 'failure' && (c.info.value !== 0 || c.match.kind === 'win32'));
}

/** "0x80244021 WU_E_PT_HTTP_STATUS_BAD_GATEWAY: Same as HTTP status 502 …" — what a person reads first. */
export function codeTitle(info: CodeInfo): string {
  const names = info.names.length ? ' ' + info.names.join(' / ') : '';
  const message = info.message ? `: ${info.message}` : info.known ? '' : ` (not in the reference tables; facility ${info.facility.name ?? info.facility.number}, code ${info.facilityCode})`;
  return `${info.code}${names}${message}`;
}
