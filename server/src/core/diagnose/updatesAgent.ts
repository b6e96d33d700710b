// The Software Updates client agent switched off. UpdatesDeployment.log writes at every start of the client
// service whether the agent runs: "Software Updates client configuration policy has not been received." /
// "Software updates functionality will not be enabled until the configuration policy has been received. If this
// issue persists please check client/server policy communication." / "Software Updates feature is disabled"
// (real client, corpus configmgr__iOS-CMLogTracer). A disabled agent scans nothing and installs nothing, so every
// update flow after it stays silent: an admin asking "why does this client get no updates" must read it first.
// The seeds do not name it; the wording is the client's own, the advice Microsoft's (client settings, Software
// Updates group: "Enable software updates on clients"; policy retrieval in PolicyAgent.log).
import { basename } from 'node:path';
import type { Evidence, Finding, FindingStep } from './findings';
import { UPDATES_DEPLOYMENT } from './logs';
import { re, type FlowModule } from './rules';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import { toIsoUtc } from '../time';

const SERVICE_START = re`^Service startup system task`;
const STARTUP_DONE = re`^Startup task completed`;
const POLICY_MISSING = re`^Software Updates client configuration policy has not been received`;
const DISABLED = re`^Software Updates feature is disabled`;

type Kind = 'start' | 'done' | 'policyMissing' | 'disabled';
const KINDS: Array<[Kind, RegExp]> = [
  ['start', SERVICE_START],
  ['done', STARTUP_DONE],
  ['policyMissing', POLICY_MISSING],
  ['disabled', DISABLED],
];

interface Event {
  kind: Kind;
  source: Source;
  index: number;
  time: number;
}

/** The agent's state lines of one machine, rolled-over copies included, oldest first. */
function eventsOf(sources: Source[]): Event[] {
  const events: Event[] = [];
  for (const source of sources) {
    for (let index = 0; index < source.records.length; index++) {
      const message = messageOf(source, index);
      // Every state line starts with "S" (cheap test first: the log is mostly assignment evaluation).
      if (message.charCodeAt(0) !== 83) continue;
      const kind = KINDS.find(([, pattern]) => pattern.test(message))?.[0];
      if (kind) events.push({ kind, source, index, time: source.times[index] });
    }
  }
  // Files of one machine in time order; within a file, lines in file order (equal or missing times keep it).
  return events.sort((a, b) => a.time - b.time || a.source.position - b.source.position || a.index - b.index);
}

function lineOf(event: Event): number {
  return event.source.records.line(event.index);
}

function stepOf(name: string, event: Event | undefined, failed = false, detail?: string): FindingStep {
  const step: FindingStep = { name, seen: !!event, log: 'UpdatesDeployment.log', logPresent: true };
  if (!event) return step;
  const utc = toIsoUtc(event.time);
  return {
    ...step,
    file: event.source.file,
    line: lineOf(event),
    ...(utc ? { utc } : {}),
    ...(failed ? { failed: true } : {}),
    ...(detail ? { detail } : {}),
  };
}

function evidenceOf(event: Event, note: string): Evidence {
  const text = messageOf(event.source, event.index).split('\n', 1)[0].slice(0, 300);
  return { file: event.source.file, line: lineOf(event), text, note };
}

export const UPDATES_AGENT_ADVICE = [
  'In the Configuration Manager console (Administration > Client Settings) check the client settings deployed to this device\'s collections: Software Updates > "Enable software updates on clients" must be Yes in the setting with the highest priority (a custom setting overrides Default Client Settings).',
  'If the log says the configuration policy has not been received, the client has not downloaded its machine policy: open PolicyAgent.log and CcmMessaging.log for policy requests to the management point and their errors, then run "Machine Policy Retrieval & Evaluation Cycle" from the Configuration Manager control panel (Actions tab).',
  'On the client, the policy in effect is the CCM_SoftwareUpdatesClientConfig instance in WMI namespace root\\ccm\\Policy\\Machine\\ActualConfig: Enabled must be TRUE.',
  'UpdatesDeployment.log writes the agent\'s state at every start of the SMS Agent Host service (CcmExec): after the policy is fixed and retrieved, restart the service and check that it no longer writes "Software Updates feature is disabled".',
];

/** The newest service start and what followed it, up to the next start. */
function lastStart(events: Event[]): { start?: Event; after: Event[] } {
  let at = -1;
  for (let i = events.length - 1; i >= 0 && at < 0; i--) if (events[i].kind === 'start') at = i;
  return at < 0 ? { after: events } : { start: events[at], after: events.slice(at + 1) };
}

function findingOf(events: Event[]): Finding | undefined {
  const disabled = events.filter((e) => e.kind === 'disabled');
  if (!disabled.length) return undefined;
  const { start, after } = lastStart(events);
  const disabledNow = after.find((e) => e.kind === 'disabled');
  // The client says the policy is missing once, at the start it noticed; later starts only say "disabled".
  const policyMissing = events
    .filter((e) => e.kind === 'policyMissing' && (!disabledNow || e.time <= disabledNow.time))
    .pop();
  const missingNow = !!policyMissing && after.includes(policyMissing);
  const done = after.find((e) => e.kind === 'done');
  const lastDisabled = disabled[disabled.length - 1];
  // The log's name, as the maintenance-window listing does: the folder (the machine) is in every evidence path.
  const key = basename(lastDisabled.source.file);
  const base = { flow: 'updatesAgent', title: 'Software Updates client agent', key };
  const times = disabled.length > 1 ? ` (${disabled.length} times)` : '';
  if (!disabledNow) {
    // Disabled at an earlier start only. Enabled since, if the newest start ran to its end without saying so.
    if (!start) return undefined;
    if (!done)
      return {
        ...base,
        status: 'incomplete',
        summary: `The Software Updates client agent was disabled${times} until ${toIsoUtc(lastDisabled.time) ?? 'an earlier start'}; the log ends before the newest start of the client service says whether it still is.`,
        steps: [
          stepOf('The client service starts the Software Updates client agent', start),
          stepOf('The agent starts enabled (no "Software Updates feature is disabled")', undefined),
        ],
        advice: UPDATES_AGENT_ADVICE,
        evidence: [evidenceOf(lastDisabled, 'last time the agent was disabled'), evidenceOf(start, 'newest start')],
      };
    return {
      ...base,
      status: 'complete',
      summary: `The Software Updates client agent was disabled${times} until ${toIsoUtc(lastDisabled.time) ?? 'an earlier start'}; at the newest start of the client service it did not say so again: enabled since.`,
      steps: [
        stepOf('The client service starts the Software Updates client agent', start),
        stepOf('The agent starts enabled (no "Software Updates feature is disabled")', done),
      ],
      advice: [],
      evidence: [evidenceOf(lastDisabled, 'last time the agent was disabled'), evidenceOf(start, 'newest start')],
    };
  }
  const settingsOff =
    'the client settings that reach this device turn software updates off ("Enable software updates on clients" = No)';
  const cause = missingNow
    ? 'its Software Updates client configuration policy has not been received (the client cannot download its machine policy, or no client setting reaches it)'
    : policyMissing
      ? `its Software Updates client configuration policy had not been received at ${toIsoUtc(policyMissing.time) ?? 'an earlier start'}, and the newest start still finds the agent disabled: the policy is still missing, or ${settingsOff}`
      : `${settingsOff}, or its policy never arrived`;
  const heading = 'Software updates are disabled on this client';
  return {
    ...base,
    status: 'broken',
    summary: `${heading}${times}: ${cause}. The client scans for no update and installs none until the agent is enabled.`,
    steps: [
      stepOf('The client service starts the Software Updates client agent', start),
      // Said only when the log says the policy is missing: a policy that came but says "off" writes no line.
      ...(policyMissing
        ? [
            stepOf(
              'The agent has its Software Updates client configuration policy',
              policyMissing,
              true,
              'not received',
            ),
          ]
        : []),
      stepOf('The Software Updates feature is enabled', disabledNow, true, 'disabled'),
    ],
    error: {
      heading,
      message: `UpdatesDeployment.log: "Software Updates feature is disabled"${policyMissing ? ' after "Software Updates client configuration policy has not been received."' : ''}`,
      file: disabledNow.source.file,
      line: lineOf(disabledNow),
    },
    advice: UPDATES_AGENT_ADVICE,
    nextLog: 'PolicyAgent.log',
    evidence: [
      ...(policyMissing ? [evidenceOf(policyMissing, 'configuration policy missing')] : []),
      evidenceOf(disabledNow, 'agent disabled at the newest start'),
    ],
  };
}

function diagnoseUpdatesAgent(context: DiagnoseContext): Finding[] {
  const sources = context.sourcesFor(UPDATES_DEPLOYMENT);
  const out: Finding[] = [];
  for (const folder of new Set(sources.map((s) => s.folder))) {
    const finding = findingOf(eventsOf(sources.filter((s) => s.folder === folder)));
    if (finding) out.push(finding);
  }
  return out;
}

export const updatesAgentModule: FlowModule = {
  id: 'updatesAgent',
  title: 'Software Updates client agent',
  adviceFrom: "Microsoft's documentation of client settings (Software Updates) and the client's own log line",
  diagnose: diagnoseUpdatesAgent,
};
