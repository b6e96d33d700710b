// Problems panel: error and warning records, and information records that carry a failure code
// (`failed ... 0x80070005` written with type="1"). The message names the decoded code.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { LogRecord } from '../core/record';
import { codeTitle, failureCodes } from './codes';
import { messagePosition } from './positions';
import { RecordTable } from '../core/table';

export interface DiagnosticsSettings {
  level: 'off' | 'errors' | 'errorsAndWarnings';
  maxPerFile: number;
}

const FAILURE_WORDS = /\b(?:fail|failed|failure|error|unable|cannot|could not)\b/i;

export function documentDiagnostics(records: RecordTable, settings: DiagnosticsSettings, lineLength: (line: number) => number): Diagnostic[] {
  if (settings.level === 'off') return [];
  const out: Diagnostic[] = [];
  for (const record of records) {
    if (out.length >= settings.maxPerFile) break;
    const diagnostic = recordDiagnostic(record, settings, lineLength);
    if (diagnostic) out.push(diagnostic);
  }
  return out;
}

function recordDiagnostic(record: LogRecord, settings: DiagnosticsSettings, lineLength: (line: number) => number): Diagnostic | undefined {
  const severity = diagnosticSeverity(record, settings);
  if (severity === undefined) return undefined;
  const codes = failureCodes(record);
  // An information record counts only when it carries a failure code next to a failure word.
  if (record.severity === 'info' && !codes.length) return undefined;
  const first = codes[0];
  const start = first ? messagePosition(record, first.match.start) : { line: record.line - 1, character: 0 };
  const end = first ? messagePosition(record, first.match.end) : { line: record.line - 1, character: lineLength(record.line - 1) };
  const summary = record.message.split('\n', 1)[0].slice(0, 200);
  return {
    range: { start, end },
    severity,
    source: 'cmlogs',
    code: first?.info.code,
    message: first ? `${codeTitle(first.info)}\n${summary}` : summary || '(empty record)',
  };
}

function diagnosticSeverity(record: LogRecord, settings: DiagnosticsSettings): DiagnosticSeverity | undefined {
  const withWarnings = settings.level === 'errorsAndWarnings';
  if (record.severity === 'error') return DiagnosticSeverity.Error;
  if (record.severity === 'warning') return withWarnings ? DiagnosticSeverity.Warning : undefined;
  if (record.severity === 'info' && FAILURE_WORDS.test(record.message)) return withWarnings ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return undefined;
}
