// Group Policy overrides the WSUS server (seed 000 Troubleshooting > Compliance > "Group Policy overrides WSUS
// Server"): WUAHandler.log writes "Group policy settings were overwritten by a higher authority (Domain
// Controller) to: Server http://server and Policy ENABLED". That is a failure only when the server differs —
// name or port — from the update source Configuration Manager gave the client ("Unless the value of the setting
// that's defined in Group Policy is exactly the same as the one that's being set by Configuration Manager
// (server name and port), the Configuration Manager Software Updates scan will fail"). A module of its own, so
// the seed's cause surfaces whatever other logs are present (with or without a WSUS location request).
import { dirname } from 'node:path';
import { stepZone, type Evidence, type Finding, type FindingStep } from './findings';
import { GPO_ADVICE } from './location';
import { LOCATION_SERVICES, SCAN_AGENT, WUAHANDLER } from './logs';
import { re, type FlowModule, type LogHint } from './rules';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import { toIsoUtc } from '../time';
import { serverAndPort } from './url';

const GPO_LINE = re`Group policy settings were overwritten by a higher authority(?: \((?<authority>[^)]*)\))? to: Server (?<url>[^\s,]+)(?: and Policy (?<policy>\w+))?`;

/** Where the client's logs say which WSUS server Configuration Manager gave it (newest before the override wins). */
const GIVEN: Array<{ hint: LogHint; pattern: RegExp }> = [
  { hint: WUAHANDLER, pattern: re`Enabling WUA Managed server policy to use server: (?<url>[^\s,]+)` },
  { hint: SCAN_AGENT, pattern: re`Received Location=(?<url>[^,\s]+)` },
  { hint: SCAN_AGENT, pattern: re`ContentLocation=(?<url>[^,\s]+)` },
  { hint: LOCATION_SERVICES, pattern: re`WSUS Path='(?<url>[^']+)'` },
];

interface Line {
  source: Source;
  index: number;
  time: number;
  url: string;
  authority?: string;
}

function linesOf(context: DiagnoseContext, hint: LogHint, pattern: RegExp, folder: string): Line[] {
  const out: Line[] = [];
  for (const source of context.sourcesFor(hint).filter((s) => s.folder === folder)) {
    for (let index = 0; index < source.records.length; index++) {
      const match = pattern.exec(messageOf(source, index));
      if (match)
        out.push({
          source,
          index,
          time: source.times[index],
          url: match.groups!.url,
          authority: match.groups!.authority,
        });
    }
  }
  return out;
}

/** The update source given before the override (else the first one given at all). */
function givenBefore(given: Line[], override: Line): Line | undefined {
  const before = given.filter((g) => !(g.time > override.time)).sort((a, b) => a.time - b.time);
  return before[before.length - 1] ?? given.sort((a, b) => a.time - b.time)[0];
}

/**
 * givenBefore for every override, in one sort instead of one per override (a client writes the GPO line at every
 * scan, and "Received Location=" as often). The same answers: the newest given at or before the override, the
 * last of equal times in the order given (a stable sort keeps it), else the first given of all. Lines without
 * a time sort by chance in givenBefore's comparison: with any, each override asks givenBefore itself.
 */
function givenBeforeEach(given: Line[], overrides: Line[]): Array<Line | undefined> {
  if (given.some((g) => Number.isNaN(g.time)) || overrides.some((o) => Number.isNaN(o.time)))
    return overrides.map((o) => givenBefore(given, o));
  const sorted = [...given].sort((a, b) => a.time - b.time);
  return overrides.map((override) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].time > override.time) hi = mid;
      else lo = mid + 1;
    }
    return lo > 0 ? sorted[lo - 1] : sorted[0];
  });
}

function stepOf(name: string, log: string, line: Line | undefined, present: boolean, detail?: string): FindingStep {
  const step: FindingStep = { name, seen: !!line, log, logPresent: present };
  if (!line) return step;
  const record = line.source.records.get(line.index);
  return {
    ...step,
    file: line.source.file,
    line: record.line,
    ...(toIsoUtc(line.time) ? { utc: toIsoUtc(line.time)! } : {}),
    ...stepZone(line.source.records, line.index),
    ...(detail ? { detail } : {}),
  };
}

function evidence(line: Line, note: string): Evidence {
  const record = line.source.records.get(line.index);
  return { file: line.source.file, line: record.line, text: record.message.split('\n', 1)[0].slice(0, 300), note };
}

function findingFor(
  context: DiagnoseContext,
  override: Line,
  given: Line | undefined,
  folder: string,
  count: number,
): Finding {
  const authority = override.authority ? ` (${override.authority})` : '';
  const givenLogsPresent = [SCAN_AGENT, LOCATION_SERVICES].some((h) =>
    context.sourcesFor(h).some((s) => s.folder === folder),
  );
  const steps = [
    stepOf(
      'Configuration Manager gives the client its update source (WSUS server and port)',
      'ScanAgent.log',
      given,
      givenLogsPresent || !!given,
      given?.url,
    ),
    stepOf('Group Policy sets the WSUS server (WUAHandler.log)', 'WUAHandler.log', override, true, override.url),
  ];
  const times = count > 1 ? ` (${count} times)` : '';
  const base = {
    flow: 'groupPolicy',
    title: 'Group Policy and the WSUS server the client was given',
    key: `${override.url}`,
    steps,
    evidence: [evidence(override, 'Group Policy override')],
  };
  if (!given) {
    const summary = `Group Policy${authority} sets the WSUS server to ${override.url}${times}; the update source Configuration Manager gave this client is not in these logs, so whether it differs is unproven.`;
    return {
      ...base,
      status: 'unproven',
      summary,
      advice: GPO_ADVICE,
      nextLog: 'ScanAgent.log',
      missingLogs: ['ScanAgent.log', 'LocationServices.log'],
    };
  }
  base.evidence.unshift(evidence(given, 'update source given by Configuration Manager'));
  if (serverAndPort(given.url) === serverAndPort(override.url)) {
    const summary = `Group Policy${authority} sets the WSUS server to ${override.url}${times}, the same server and port Configuration Manager gave the client (${given.url}): no conflict.`;
    return { ...base, status: 'complete', summary, advice: [] };
  }
  const heading = 'Group Policy overrides WSUS Server';
  const summary = `${heading}: Group Policy${authority} sets ${override.url}, but Configuration Manager gave the client ${given.url}${times}; server name and port must be exactly the same.`;
  const record = override.source.records.get(override.index);
  const error = {
    heading,
    message: `Group Policy sets ${override.url}; Configuration Manager gave ${given.url}.`,
    file: override.source.file,
    line: record.line,
  };
  return { ...base, status: 'broken', summary, error, advice: GPO_ADVICE, nextLog: 'WUAHandler.log' };
}

/** One finding per machine, Group Policy server and given server: WUAHandler repeats the line at every scan. */
function diagnoseGroupPolicy(context: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  for (const folder of new Set(context.sourcesFor(WUAHANDLER).map((s) => s.folder))) {
    const overrides = linesOf(context, WUAHANDLER, GPO_LINE, folder).sort((a, b) => a.time - b.time);
    if (!overrides.length) continue;
    const given = GIVEN.flatMap((g) => linesOf(context, g.hint, g.pattern, folder));
    const groups = new Map<string, { override: Line; given?: Line; count: number }>();
    const befores = givenBeforeEach(given, overrides);
    for (const [i, override] of overrides.entries()) {
      const before = befores[i];
      const id = `${serverAndPort(override.url)}|${before ? serverAndPort(before.url) : ''}`;
      const group = groups.get(id);
      if (group) group.count++;
      else groups.set(id, { override, given: before, count: 1 });
    }
    for (const g of groups.values()) out.push(findingFor(context, g.override, g.given, folder, g.count));
  }
  return out;
}

const GPO_HEADING = 'Group Policy overrides WSUS Server';

/**
 * A conflict a WSUS location finding reports (its request received a location, and Group Policy set another
 * server on the same machine) is not reported again by the machine's Group Policy finding: the location finding
 * is the more specific place (the request, the step that adds the source) and says both servers.
 */
export function reportGroupPolicyOnce(context: DiagnoseContext, findings: Finding[]): Finding[] {
  const reported = new Set<string>();
  for (const finding of findings) {
    const error = finding.error;
    if (finding.flow !== 'location' || finding.status !== 'broken' || error?.heading !== GPO_HEADING) continue;
    const server = gpoServerAt(context, error.file, error.line);
    if (server) reported.add(conflictOf(error.file, server));
  }
  if (!reported.size) return findings;
  return findings.filter(
    (f) =>
      !(f.flow === 'groupPolicy' && f.status === 'broken' && f.error && reported.has(conflictOf(f.error.file, f.key))),
  );
}

/** A machine (the folder of its WUAHandler.log) and the server Group Policy set. */
function conflictOf(wuaHandlerLog: string, gpoServer: string): string {
  return `${dirname(wuaHandlerLog)}|${serverAndPort(gpoServer)}`;
}

/** The server of the Group Policy line at file:line. */
function gpoServerAt(context: DiagnoseContext, file: string, line: number): string | undefined {
  const source = context.sources.find((s) => s.file === file);
  const index = source ? source.records.indexAtLine(line) : -1;
  return index >= 0 ? GPO_LINE.exec(messageOf(source!, index))?.groups?.url : undefined;
}

export const groupPolicyModule: FlowModule = {
  id: 'groupPolicy',
  title: 'Group Policy and the WSUS server',
  diagnose: diagnoseGroupPolicy,
};
