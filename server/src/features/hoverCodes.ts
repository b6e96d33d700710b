// Hover on an error code: the name that fits the line first, then the others; the message, facility,
// and what the seed documents say to do. HTTP statuses: reason phrase and what it means here.
import type { CodeInfo, CodeMapping } from '../core/decode/hresult';
import {
  EXTEND_CODE_SOURCE,
  extendCodeAfter,
  isSetupResultCode,
  type SetupExtendCode,
} from '../core/decode/setupExtendCode';
import type { LogRecord } from '../core/record';
import { escapeMarkdown, markdownCode } from '../core/text';
import { codesIn } from './codes';

export function codeHover(record: LogRecord, offset: number): string | undefined {
  const found = codesIn(record).find((c) => offset >= c.match.start && offset <= c.match.end);
  if (!found) return undefined;
  const lines = [describeCode(found.info, found.match.text)];
  const named = found.info.known ? null : nameWrittenAfter(record.message, found.match.end);
  if (named) lines.push(`_The log names it ${markdownCode(named)} (its own word, not a reference table's)._`);
  const extend = isSetupResultCode(found.info.value) ? extendCodeAfter(record.message, found.match.end) : null;
  if (extend) lines.push(extendLine(extend));
  return lines.join('\n\n');
}

/** "0xC1900101 - 0x4000D": where Windows Setup was when it failed. */
function extendLine({ text, phase, operation }: SetupExtendCode): string {
  return `Extend code ${markdownCode(text)}: phase ${markdownCode(phase)}, operation ${markdownCode(operation)}\n\n_${escapeMarkdown(EXTEND_CODE_SOURCE)}_`;
}

/**
 * The symbolic name a log writes right after a code the tables lack: CBS's "[HRESULT = 0x800f0805 -
 * CBS_E_INVALID_PACKAGE]". Only the winerror.h name shapes (X_E_…, X_S_…, X_W_…, ERROR_…, STATUS_…), so that a
 * following word ("0x800f0805 - FAILED") is never taken for a name.
 */
const NAME_AFTER = /^[\s:=(-]{0,8}((?:[A-Z][A-Z0-9]*_[ESW]_|ERROR_|STATUS_)[A-Z0-9_]+)\b/;

function nameWrittenAfter(text: string, end: number): string | null {
  return NAME_AFTER.exec(text.slice(end, end + 80))?.[1] ?? null;
}

function describeHttp(info: CodeInfo): string {
  const http = info.http!;
  const kind = http.failure ? 'HTTP status' : 'HTTP status (not an error)';
  return [
    `**${info.code}** ${escapeMarkdown(http.reason)} · ${kind}`,
    escapeMarkdown(http.meaning),
    `_${escapeMarkdown(info.source ?? '')}_`,
  ].join('\n\n');
}

/** "also: X · Y" for the names after the first: the same value as other tables name it. */
function otherNames(info: CodeInfo): string {
  return info.names.length > 1 ? `\n\nAlso named: ${info.names.slice(1).map(markdownCode).join(' · ')}` : '';
}

/** How the tables came to name a value they have only through a winerror.h macro. */
function mappedLine({ macro, code }: CodeMapping): string {
  return macro === 'HRESULT_FROM_NT'
    ? `_An NTSTATUS as HRESULT_FROM_NT writes it: named as the NTSTATUS ${markdownCode(code)}._`
    : `_A SetupAPI error: named as its HRESULT_FROM_SETUPAPI form ${markdownCode(code)}._`;
}

export function describeCode(info: CodeInfo, asWritten?: string): string {
  if (info.http) return describeHttp(info);
  const lines: string[] = [];
  const written =
    asWritten && asWritten.toUpperCase() !== info.code.toUpperCase() ? ` (written ${markdownCode(asWritten)})` : '';
  const best = info.names.length ? ' ' + markdownCode(info.names[0]) : '';
  lines.push(`**${info.code}**${written}${best}${otherNames(info)}`);
  if (info.message) lines.push(escapeMarkdown(info.message));
  if (!info.known) lines.push('_Not in the reference tables: only its parts are shown._');
  if (info.mapped) lines.push(mappedLine(info.mapped));
  else if (
    info.entries[0]?.family === 'ntstatus' ||
    (info.entries.length && info.entries.every((e) => e.family === 'ntstatus'))
  ) {
    lines.push('_Read as an NTSTATUS value (the line is about one, or no HRESULT table has it)._');
  }
  if (info.outcome !== 'failure')
    lines.push(info.outcome === 'noOp' ? '_Not an error: nothing had to be done._' : '_Not an error: a success code._');
  const facility = info.facility.name ? `${info.facility.name} (${info.facility.number})` : `${info.facility.number}`;
  lines.push(
    `Severity: ${info.severity} · Facility: ${escapeMarkdown(facility)} · Code: ${info.facilityCode} (0x${info.facilityCode.toString(16).toUpperCase()})`,
  );
  if (info.win32)
    lines.push(
      `Wraps Win32 error ${info.win32.code}${info.win32.name ? ' ' + markdownCode(info.win32.name) : ''}${info.win32.message ? ': ' + escapeMarkdown(info.win32.message) : ''}`,
    );
  if (info.troubleshooting) {
    const hint = info.troubleshooting;
    lines.push(`---\n**Troubleshooting — ${escapeMarkdown(hint.section)}**\n\n${escapeMarkdown(hint.summary)}`);
    if (hint.steps.length) lines.push(hint.steps.map((s, i) => `${i + 1}. ${escapeMarkdown(s)}`).join('\n'));
  }
  if (info.source) lines.push(`_Source: ${escapeMarkdown(info.source)}_`);
  return lines.join('\n\n');
}
