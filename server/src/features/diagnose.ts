// Findings of the flow diagnosis → what the editor shows: a markdown report whose evidence lines link into
// the logs, and diagnostics on the lines where a flow broke or stopped, pointing at the other files'
// evidence. Log text is untrusted: it is escaped or put in unbreakable code spans.
import { machineNames } from '../../../common/machines';
import { stepTime } from '../../../common/stepTime';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Evidence, Finding, FindingStep } from '../core/diagnose/index';
import { escapeMarkdown, markdownCode } from '../core/text';
import { pathToUri } from '../workspace';

export const DIAGNOSIS_SOURCE = 'cmlogs diagnosis';

/** A link target for a log line; parentheses are encoded so the target cannot end the markdown link early. */
export function lineLink(file: string, line: number): string {
  const uri = pathToUri(file).replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
  return `${uri}#L${line}`;
}

function linkTo(file: string, line: number): string {
  return `[${escapeMarkdown(`${basename(file)}:${line}`)}](${lineLink(file, line)})`;
}

const STATUS_TITLE: Record<Finding['status'], string> = {
  broken: '✘ Broken',
  incomplete: '… Incomplete',
  unproven: '? Unproven',
  complete: '✔ Complete',
};

/** The files a diagnosis read, listed at the end of its report (so a missing log is seen as missing). */
function filesSection(files: string[] | undefined): string[] {
  if (!files) return [];
  return ['## Files read', '', `${files.length} log file(s):`, '', ...files.map((f) => `- ${escapeMarkdown(f)}`), ''];
}

export function diagnosisReport(findings: Finding[], files?: string[]): string {
  const out = ['# ConfigMgr flow diagnosis', ''];
  if (!findings.length) {
    out.push(
      'No documented flow was found in these logs (synchronization, WSUS location, scan, state messages, deployment, downloads, restarts, client installation, Windows Update).',
      '',
    );
    out.push(...filesSection(files));
    return out.join('\n') + '\n';
  }
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  out.push(
    `${findings.length} findings: **${count('broken')} broken**, ${count('incomplete')} incomplete, ${count('unproven')} unproven, ${count('complete')} complete.`,
    '',
  );
  out.push('✔ seen · ✘ not seen in its log · … its log is not among the files', '');
  const order: Finding['status'][] = ['broken', 'incomplete', 'unproven', 'complete'];
  const machines = machineNames(findings);
  for (const status of order)
    for (const finding of findings.filter((f) => f.status === status))
      out.push(...findingSection(finding, machines.get(finding)));
  out.push(...filesSection(files));
  return out.join('\n') + '\n';
}

/**
 * Runs the diagnosis of `files` in a worker thread (diagnoseWorker.js beside the server bundle), so the language
 * server keeps answering meanwhile; without the worker script (tests run from source) `inThread` runs here.
 */
export function diagnoseOffThread(files: string[], inThread: () => Finding[]): Promise<Finding[]> {
  const entry = join(__dirname, 'diagnoseWorker.js');
  if (!existsSync(entry)) return Promise.resolve(inThread());
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { files } });
    worker.once('message', (reply: { findings?: Finding[]; error?: string }) => {
      void worker.terminate();
      if (reply.findings) resolve(reply.findings);
      else reject(new Error(reply.error ?? 'diagnosis worker failed'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`diagnosis worker exited with ${code}`));
    });
  });
}

function findingSection(finding: Finding, machine?: string): string[] {
  const out = [
    `## ${STATUS_TITLE[finding.status]}: ${escapeMarkdown(finding.title)}`,
    '',
    `Key ${markdownCode(finding.key)} · flow ${markdownCode(finding.flow)}${machine ? ` · machine ${markdownCode(machine)}` : ''}`,
    '',
    escapeMarkdown(finding.summary),
    '',
  ];
  out.push(...finding.steps.map(stepItem), '');
  if (finding.error) out.push(...errorSection(finding), '');
  if (finding.advice.length)
    out.push(
      `**Steps to try** (from ${escapeMarkdown(finding.adviceFrom ?? 'the seed documents')}):`,
      '',
      ...finding.advice.map((a) => `- ${escapeMarkdown(a)}`),
      '',
    );
  if (finding.missingLogs?.length)
    out.push(
      `**Logs not given** (they would prove the steps marked …): ${finding.missingLogs.map(escapeMarkdown).join('; ')}`,
      '',
    );
  if (finding.nextLog) out.push(`**Next log to open:** ${escapeMarkdown(finding.nextLog)}`, '');
  const extra = finding.evidence.filter((e) => e.note);
  if (extra.length) out.push('**Evidence**', '', ...extra.map(evidenceItem), '');
  return out;
}

function stepItem(step: FindingStep): string {
  const mark = step.seen ? '✔' : step.logPresent ? '✘' : '…';
  const flags = [step.optional ? 'optional' : '', step.failed ? '**failed here**' : ''].filter(Boolean).join(', ');
  const where =
    step.seen && step.file
      ? ` — ${linkTo(step.file, step.line!)}${stepTime(step) ? ` ${markdownCode(stepTime(step))}` : ''}`
      : step.logPresent
        ? ''
        : ` — _${escapeMarkdown(step.log)} not given_`;
  const detail = step.detail ? ` — ${markdownCode(step.detail)}` : '';
  return `- ${mark} ${escapeMarkdown(step.name)}${flags ? ` (${flags})` : ''}${where}${detail}`;
}

function errorSection(finding: Finding): string[] {
  const e = finding.error!;
  const code = [e.code, e.name]
    .filter(Boolean)
    .map((c) => markdownCode(c!))
    .join(' ');
  const heading = e.heading ? `${escapeMarkdown(e.heading)}${e.recovered ? ' (recovered)' : ''}` : 'Error';
  return [`**${heading}**`, '', `${code ? code + ' — ' : ''}${escapeMarkdown(e.message)} — ${linkTo(e.file, e.line)}`];
}

function evidenceItem(evidence: Evidence): string {
  return `- ${linkTo(evidence.file, evidence.line)} ${markdownCode(evidence.text)}${evidence.note ? ` _${escapeMarkdown(evidence.note)}_` : ''}`;
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics

/** LSP positions past the end of a line mean the end of the line. */
const END_OF_LINE = 2_147_483_647;

function lineRange(line: number) {
  return { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: END_OF_LINE } };
}

/** The line a finding is about: the failure, else the last step seen (where an incomplete flow stops). */
function anchorLine(finding: Finding): { file: string; line: number } | undefined {
  if (finding.error) return { file: finding.error.file, line: finding.error.line };
  const seen = finding.steps.filter((s) => s.seen && s.file);
  const last = seen[seen.length - 1];
  return last ? { file: last.file!, line: last.line! } : undefined;
}

function severityOf(finding: Finding): DiagnosticSeverity | undefined {
  if (finding.status === 'broken') return DiagnosticSeverity.Error;
  if (finding.error?.recovered) return DiagnosticSeverity.Warning;
  if (finding.status === 'incomplete' || finding.status === 'unproven') return DiagnosticSeverity.Information;
  return undefined;
}

function diagnosticMessage(finding: Finding): string {
  const lines = [`${finding.title} (${finding.key}): ${finding.summary}`];
  if (finding.error?.code)
    lines.push(`${finding.error.code}${finding.error.name ? ` ${finding.error.name}` : ''}: ${finding.error.message}`);
  if (finding.advice.length) lines.push(`First step to try: ${finding.advice[0]}`);
  if (finding.nextLog) lines.push(`Next log to open: ${finding.nextLog}`);
  return lines.join('\n');
}

function relatedInformation(finding: Finding, at: { file: string; line: number }): DiagnosticRelatedInformation[] {
  const seen = new Set<string>();
  return finding.evidence
    .filter((e) => !(e.file === at.file && e.line === at.line))
    .filter((e) => !seen.has(`${e.file}:${e.line}`) && seen.add(`${e.file}:${e.line}`))
    .map((e) => ({
      location: { uri: pathToUri(e.file), range: lineRange(e.line) },
      message: e.note ? `${e.note}: ${e.text}` : e.text,
    }));
}

/** Per log file: a diagnostic where each broken, recovered or incomplete flow stands. */
export function diagnosisDiagnostics(findings: Finding[]): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const finding of findings) {
    const severity = severityOf(finding);
    const at = anchorLine(finding);
    if (severity === undefined || !at) continue;
    const diagnostic: Diagnostic = {
      range: lineRange(at.line),
      severity,
      source: DIAGNOSIS_SOURCE,
      code: finding.error?.code ?? finding.flow,
      message: diagnosticMessage(finding),
      relatedInformation: relatedInformation(finding, at),
    };
    const list = byFile.get(at.file) ?? [];
    list.push(diagnostic);
    byFile.set(at.file, list);
  }
  return byFile;
}
