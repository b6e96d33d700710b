import { basename } from 'node:path';
import { machineNames } from '../../../common/machines';
import { stepTime } from '../../../common/stepTime';
import { diagnose, type Finding, type FindingStep } from '../core/diagnose/index';
import { inertForTerminal } from '../core/text';
import { logFilesFrom, OFFSET_OPTION, parseArgs, parseClocked, write as writeNow } from './common';

/** cmlogs diagnose FILE|DIR... [--json] [--brief]: every documented flow found in the logs, step by step. */
export async function runDiagnose(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [OFFSET_OPTION]);
  const results = await parseClocked(logFilesFrom(args.positional), args);
  const findings = diagnose(results);
  if (args.flags.has('json')) writeNow(JSON.stringify(findings.map(findingJson), null, 2));
  else {
    try {
      writeReport(findings, args.flags.has('brief'));
    } finally {
      flush(); // what was made is written, as when each line was written at once
    }
  }
  return 0;
}

/**
 * The report's lines, written in blocks of about a megabyte: the 200 MB bench folder's report is 40,578 lines, and
 * a write (a system call) per line took half of the time spent writing it (profile: 408 → 220 ms).
 */
const pending: string[] = [];
let pendingLength = 0;
const BLOCK = 1 << 20;

function write(line: string): void {
  pending.push(line);
  pendingLength += line.length + 1;
  if (pendingLength >= BLOCK) flush();
}

function flush(): void {
  if (!pending.length) return;
  writeNow(pending.join('\n'));
  pending.length = 0;
  pendingLength = 0;
}

/** The JSON shape: optional fields only when they carry something. */
function findingJson(finding: Finding): Record<string, unknown> {
  const { flow, title, key, status, summary, steps, error, advice, adviceFrom, nextLog, missingLogs, evidence } =
    finding;
  return {
    flow,
    title,
    key,
    status,
    summary,
    steps,
    ...(error ? { error } : {}),
    advice,
    ...(adviceFrom ? { adviceFrom } : {}),
    ...(nextLog ? { nextLog } : {}),
    ...(missingLogs ? { missingLogs } : {}),
    evidence,
  };
}

const STATUS_MARK: Record<Finding['status'], string> = {
  complete: 'COMPLETE',
  broken: 'BROKEN',
  incomplete: 'INCOMPLETE',
  unproven: 'UNPROVEN',
};

function writeReport(findings: Finding[], brief: boolean): void {
  if (!findings.length) {
    write(
      'No documented flow found in these logs (sync, Software Updates agent, WSUS location, Group Policy, scan, state messages, deployment replication, deployment, downloads, restarts, client installation, Windows Update).',
    );
    return;
  }
  const counts = ['broken', 'incomplete', 'unproven', 'complete'].map(
    (s) => `${findings.filter((f) => f.status === s).length} ${s}`,
  );
  write(`${findings.length} findings: ${counts.join(', ')}`);
  const machines = machineNames(findings);
  for (const finding of findings) (brief ? writeHeadline : writeFinding)(finding, machines.get(finding));
}

/** " on client-a" when the folder holds several machines' logs. */
const onMachine = (machine?: string) => (machine ? ` on ${machine}` : '');

/** One line per finding: status, flow, key, and the summary (which names the broken step). */
function writeHeadline(finding: Finding, machine?: string): void {
  write(
    inertForTerminal(
      `  ${STATUS_MARK[finding.status].padEnd(10)} ${finding.title} [${finding.key}]${onMachine(machine)}: ${finding.summary}`,
    ),
  );
}

function writeFinding(finding: Finding, machine?: string): void {
  const out = (line: string) => write(inertForTerminal(line));
  out('');
  out(`${STATUS_MARK[finding.status]}  ${finding.title}  [${finding.flow} ${finding.key}]${onMachine(machine)}`);
  out(`  ${finding.summary}`);
  for (const step of finding.steps) out(`  ${stepLine(step)}`);
  if (finding.error) {
    const e = finding.error;
    out(
      `  Error${e.recovered ? ' (recovered)' : ''}: ${[e.code, e.name].filter(Boolean).join(' ')}${e.code || e.name ? ' — ' : ''}${e.message}`,
    );
    out(`         at ${e.file}:${e.line}`);
  }
  for (const line of finding.evidence.filter((e) => e.note?.startsWith('error in a related')))
    out(`  Related: ${basename(line.file)}:${line.line}  ${line.text}`);
  for (const line of finding.evidence.filter((e) => e.note?.startsWith('audit')))
    out(`  Audit: ${basename(line.file)}:${line.line}  ${line.text}`);
  if (finding.advice.length) {
    out(`  Steps to try (from ${finding.adviceFrom ?? 'the seed'}):`);
    for (const advice of finding.advice) out(`    - ${advice}`);
  }
  if (finding.missingLogs?.length) out(`  Logs not given: ${finding.missingLogs.join('; ')}`);
  if (finding.nextLog) out(`  Next log to open: ${finding.nextLog}`);
}

/** ✔ seen, ✘ a required step not seen although its log is here, · an optional one, … its log is not among the files. */
function stepLine(step: FindingStep): string {
  const mark = step.seen ? '✔' : !step.logPresent ? '…' : step.optional && !step.failed ? '·' : '✘';
  const flags = [step.optional ? 'optional' : '', step.failed ? 'FAILED HERE' : ''].filter(Boolean).join(', ');
  const where = step.seen
    ? `  ${basename(step.file!)}:${step.line}  ${stepTime(step)}`
    : step.logPresent
      ? ''
      : `  (${step.log} not given)`;
  const detail = step.detail ? `  — ${step.detail}` : '';
  return `${mark} ${step.name}${flags ? ` [${flags}]` : ''}${where}${detail}`;
}
