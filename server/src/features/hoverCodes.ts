// Hover on an error code: every name, the message, facility, and what the seed documents say to do.
import type { CodeInfo } from '../core/decode/hresult';
import type { LogRecord } from '../core/record';
import { escapeMarkdown, markdownCode } from '../core/text';
import { codesIn } from './codes';

export function codeHover(record: LogRecord, offset: number): string | undefined {
  const found = codesIn(record).find((c) => offset >= c.match.start && offset <= c.match.end);
  return found ? describeCode(found.info, found.match.text) : undefined;
}

export function describeCode(info: CodeInfo, asWritten?: string): string {
  const lines: string[] = [];
  const written = asWritten && asWritten.toUpperCase() !== info.code.toUpperCase() ? ` (written ${markdownCode(asWritten)})` : '';
  lines.push(`**${info.code}**${written} ${info.names.map(markdownCode).join(' · ')}`);
  if (info.message) lines.push(escapeMarkdown(info.message));
  if (!info.known) lines.push('_Not in the reference tables: only its parts are shown._');
  const facility = info.facility.name ? `${info.facility.name} (${info.facility.number})` : `${info.facility.number}`;
  lines.push(`Severity: ${info.severity} · Facility: ${escapeMarkdown(facility)} · Code: ${info.facilityCode} (0x${info.facilityCode.toString(16).toUpperCase()})`);
  if (info.win32) lines.push(`Wraps Win32 error ${info.win32.code}${info.win32.name ? ' ' + markdownCode(info.win32.name) : ''}${info.win32.message ? ': ' + escapeMarkdown(info.win32.message) : ''}`);
  if (info.seedHint) {
    const hint = info.seedHint;
    lines.push(`---\n**Troubleshooting — ${escapeMarkdown(hint.section)}**\n\n${escapeMarkdown(hint.summary)}`);
    if (hint.steps.length) lines.push(hint.steps.map((s, i) => `${i + 1}. ${escapeMarkdown(s)}`).join('\n'));
  }
  if (info.source) lines.push(`_Source: ${escapeMarkdown(info.source)}_`);
  return lines.join('\n\n');
}
