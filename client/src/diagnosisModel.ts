// The diagnosis as a tree (flow → instance → steps, error, advice, evidence; then the files read) and as a
// markdown export. Pure (no `vscode`): the view (diagnosisView.ts) turns nodes into tree items, tests read them.
// Log text is untrusted: it goes into labels and tooltips as plain text (tree items render no markup).
import { machineNames } from '../../common/machines';
import { stepTime } from '../../common/stepTime';
import type { Finding, FindingStep } from '../../server/src/protocol';

/** Statuses known to the view; others (a newer server) show as 'unproven'. */
export type Status = 'broken' | 'incomplete' | 'unproven' | 'complete';
const ORDER: Status[] = ['broken', 'incomplete', 'unproven', 'complete'];

/** Codicon and theme colour of each status (the view's icons). */
export const STATUS_ICON: Record<Status, { icon: string; color: string; label: string }> = {
  broken: { icon: 'error', color: 'testing.iconFailed', label: 'broken' },
  incomplete: { icon: 'debug-pause', color: 'list.warningForeground', label: 'incomplete' },
  unproven: { icon: 'question', color: 'descriptionForeground', label: 'unproven' },
  complete: { icon: 'pass', color: 'testing.iconPassed', label: 'complete' },
};

export interface Location {
  file: string;
  line: number;
}

export interface DiagnosisNode {
  label: string;
  description?: string;
  tooltip?: string;
  /** Codicon id and theme colour id. */
  icon?: { id: string; color?: string };
  /** Opens this log line. */
  location?: Location;
  /** Opens this file (the files read). */
  file?: string;
  children: DiagnosisNode[];
  expanded?: boolean;
}

export function statusOf(finding: Pick<Finding, 'status'>): Status {
  return (ORDER as string[]).includes(finding.status) ? (finding.status as Status) : 'unproven';
}

const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

function stepNode(step: FindingStep): DiagnosisNode {
  const icon = step.failed
    ? { id: 'close', color: 'testing.iconFailed' }
    : step.seen
      ? { id: 'check', color: 'testing.iconPassed' }
      : step.logPresent
        ? { id: 'circle-slash', color: 'list.warningForeground' }
        : { id: 'dash', color: 'descriptionForeground' };
  const where =
    step.seen && step.file
      ? `${baseName(step.file)}:${step.line}${stepTime(step) ? ` · ${stepTime(step)}` : ''}`
      : step.logPresent
        ? `not seen in ${step.log}`
        : `${step.log} not among the files`;
  const flags = [step.optional ? 'optional' : '', step.failed ? 'failed here' : ''].filter(Boolean).join(', ');
  return {
    label: step.name,
    description: [flags, where].filter(Boolean).join(' — '),
    tooltip: [step.name, where, step.detail].filter(Boolean).join('\n'),
    icon,
    location: step.seen && step.file && step.line ? { file: step.file, line: step.line } : undefined,
    children: step.detail ? [{ label: step.detail, icon: { id: 'quote' }, children: [] }] : [],
  };
}

function instanceNode(finding: Finding, machine?: string): DiagnosisNode {
  const status = statusOf(finding);
  const children = finding.steps.map(stepNode);
  const e = finding.error;
  if (e) {
    const code = [e.code, e.name].filter(Boolean).join(' ');
    children.push({
      label: `${e.heading ?? 'Error'}${e.recovered ? ' (recovered)' : ''}: ${code || e.message}`,
      description: `${code ? e.message + ' — ' : ''}${baseName(e.file)}:${e.line}`,
      tooltip: [e.heading, code, e.message, `${e.file}:${e.line}`].filter(Boolean).join('\n'),
      icon: {
        id: e.recovered ? 'warning' : 'error',
        color: e.recovered ? 'list.warningForeground' : 'testing.iconFailed',
      },
      location: { file: e.file, line: e.line },
      children: [],
    });
  }
  if (finding.advice.length)
    children.push({
      label: 'Steps to try',
      description: `from ${finding.adviceFrom ?? 'the seed documents'}`,
      icon: { id: 'lightbulb' },
      expanded: status === 'broken',
      children: finding.advice.map((a) => ({ label: a, tooltip: a, children: [] })),
    });
  if (finding.nextLog)
    children.push({ label: `Next log to open: ${finding.nextLog}`, icon: { id: 'go-to-file' }, children: [] });
  const evidence = finding.evidence.filter((x) => x.note);
  if (evidence.length) {
    children.push({
      label: 'Evidence',
      icon: { id: 'references' },
      children: evidence.map((x) => ({
        label: `${baseName(x.file)}:${x.line}`,
        description: `${x.note ? x.note + ': ' : ''}${x.text}`,
        tooltip: `${x.file}:${x.line}\n${x.text}`,
        location: { file: x.file, line: x.line },
        icon: { id: 'link' },
        children: [],
      })),
    });
  }
  return {
    label: machine ? `${machine} · ${finding.key}` : finding.key,
    description: `${STATUS_ICON[status].label} — ${finding.summary}`,
    tooltip: `${finding.title} (${finding.key}${machine ? ` on ${machine}` : ''})\n${finding.summary}`,
    icon: { id: STATUS_ICON[status].icon, color: STATUS_ICON[status].color },
    expanded: status === 'broken',
    children,
  };
}

/** Roots: one per flow (worst status first), then the files that were read. */
export function diagnosisTree(findings: readonly Finding[], filesRead: readonly string[]): DiagnosisNode[] {
  const flows = new Map<string, Finding[]>();
  for (const f of findings) flows.set(f.title, [...(flows.get(f.title) ?? []), f]);
  const machines = machineNames(findings);
  const worst = (list: Finding[]) => Math.min(...list.map((f) => ORDER.indexOf(statusOf(f))));
  const roots: DiagnosisNode[] = [...flows.entries()]
    .sort((a, b) => worst(a[1]) - worst(b[1]) || a[0].localeCompare(b[0]))
    .map(([title, list]) => {
      const status = ORDER[worst(list)];
      const counts = ORDER.map((s) => [s, list.filter((f) => statusOf(f) === s).length] as const).filter(([, n]) => n);
      const instances = list.slice().sort((a, b) => ORDER.indexOf(statusOf(a)) - ORDER.indexOf(statusOf(b)));
      return {
        label: title,
        description: counts.map(([s, n]) => `${n} ${s}`).join(', '),
        icon: { id: STATUS_ICON[status].icon, color: STATUS_ICON[status].color },
        expanded: status === 'broken',
        children: instances.map((f) => instanceNode(f, machines.get(f))),
      };
    });
  if (!findings.length)
    roots.push({
      label: 'No documented flow found in these logs',
      description: 'synchronization, WSUS location, scan, state messages, deployment, downloads, restarts',
      icon: { id: 'info' },
      children: [],
    });
  roots.push({
    label: `Files read (${filesRead.length})`,
    icon: { id: 'files' },
    children: filesRead.map((file) => ({
      label: baseName(file),
      description: file,
      tooltip: file,
      file,
      icon: { id: 'file' },
      children: [],
    })),
  });
  return roots;
}

/** The export: the server's report (evidence as file links) and the files read. */
export function diagnosisExport(markdown: string, filesRead: readonly string[], when: Date): string {
  const escape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  return `${markdown.trimEnd()}\n\n## Files read\n\n${filesRead.map((f) => `- ${escape(f)}`).join('\n') || '_none_'}\n\n_Diagnosed ${when.toISOString()}._\n`;
}

/** The flows with a broken finding, by title, once each, in the order found: "Sync, Scan". */
export function brokenFlows(findings: Finding[]): string {
  return [...new Set(findings.filter((f) => f.status === 'broken').map((f) => f.title))].join(', ');
}
