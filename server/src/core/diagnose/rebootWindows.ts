// Maintenance (service) windows and restarts (seed 000 Troubleshooting > Deployment > "Unexpected reboots or
// updates are installed outside of a maintenance window" and Procedures > "How to review
// ServiceWindowManager.log"): the service windows the client knows, their schedules decoded, and for each
// restart request whether the deployment ignored the maintenance window or a user chose to restart.
//
// Schedule strings: ConfigMgr writes a schedule as one or more 16-hex-digit ScheduleTokens (two DWORDs).
// The bit layout below is Microsoft's, from the Configuration Manager SDK reference "ReadFromString Method in
// Class SMS_ScheduleMethods" (the SCHED_TOKEN_RECUR_* diagrams) and the SMS_ST_NonRecurring /
// SMS_ST_RecurInterval / SMS_ST_RecurWeekly / SMS_ST_RecurMonthlyByWeekday / SMS_ST_RecurMonthlyByDate class
// pages (Day 1 = Sunday, WeekOrder 0 = last, MonthDay 0 = last day). It was checked against the seed's own
// lines: Scheduler.log trigger 3E692B0000080000 "will fire at 02/09/2014 07:15:00 PM", and
// ServiceWindowManager.log 00084AC028592000 → "StartTime is 02/09/14 00:00:00 ... Total days: 1, hours: 05".
import { basename } from 'node:path';
import type { Evidence, Finding, FindingStep } from './findings';
import { re, type FlowModule, type FlowRule } from './rules';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import { runFlow } from './walk';
import { SERVICE_WINDOW_MANAGER, UPDATES_DEPLOYMENT } from './logs';
import { toIsoUtc } from '../time';
import { rolloverRank } from '../files';

export type Recurrence =
  | { kind: 'once' }
  | { kind: 'interval'; days: number; hours: number; minutes: number }
  | { kind: 'weekly'; weekday: number; weeks: number }
  | { kind: 'monthlyByWeekday'; weekday: number; weekOrder: number; months: number }
  | { kind: 'monthlyByDate'; monthDay: number; months: number }
  | { kind: 'unknown'; flags: number };

export interface ScheduleToken {
  hex: string;
  /** The start as the token holds it: local time of the client unless `isGmt`. */
  start: { year: number; month: number; day: number; hour: number; minute: number };
  duration: { days: number; hours: number; minutes: number };
  isGmt: boolean;
  recurrence: Recurrence;
}

const bits = (value: number, shift: number, width: number) => (value >>> shift) & ((1 << width) - 1);

/** One 16-hex-digit ScheduleToken; undefined when the text is not one. */
export function decodeScheduleToken(hex: string): ScheduleToken | undefined {
  if (!/^[0-9A-Fa-f]{16}$/.test(hex)) return undefined;
  const high = Number.parseInt(hex.slice(0, 8), 16);
  const low = Number.parseInt(hex.slice(8), 16);
  return {
    hex: hex.toUpperCase(),
    start: {
      minute: bits(high, 26, 6),
      hour: bits(high, 21, 5),
      day: bits(high, 16, 5),
      month: bits(high, 12, 4),
      year: 1970 + bits(high, 6, 6),
    },
    duration: { minutes: bits(high, 0, 6), hours: bits(low, 27, 5), days: bits(low, 22, 5) },
    isGmt: (low & 1) === 1,
    recurrence: recurrenceOf(low),
  };
}

function recurrenceOf(low: number): Recurrence {
  const flags = bits(low, 19, 3);
  switch (flags) {
    case 1:
      return { kind: 'once' };
    case 2:
      return { kind: 'interval', minutes: bits(low, 13, 6), hours: bits(low, 8, 5), days: bits(low, 3, 5) };
    case 3:
      return { kind: 'weekly', weekday: bits(low, 16, 3), weeks: bits(low, 13, 3) };
    case 4:
      return {
        kind: 'monthlyByWeekday',
        weekday: bits(low, 16, 3),
        months: bits(low, 12, 4),
        weekOrder: bits(low, 9, 3),
      };
    case 5:
      return { kind: 'monthlyByDate', monthDay: bits(low, 14, 5), months: bits(low, 10, 4) };
    default:
      return { kind: 'unknown', flags };
  }
}

/** A schedule string: one or more tokens written back to back. */
export function decodeScheduleString(text: string): ScheduleToken[] {
  const clean = text.trim();
  if (!/^(?:[0-9A-Fa-f]{16})+$/.test(clean)) return [];
  const out: ScheduleToken[] = [];
  for (let i = 0; i < clean.length; i += 16) out.push(decodeScheduleToken(clean.slice(i, i + 16))!);
  return out;
}

const WEEKDAYS = ['?', 'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEK_ORDER = ['last', 'first', 'second', 'third', 'fourth'];
const pad = (n: number) => String(n).padStart(2, '0');
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

function every(n: number, unit: string): string {
  return n <= 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

function durationText(d: ScheduleToken['duration']): string {
  const parts = [
    d.days ? plural(d.days, 'day') : '',
    d.hours ? plural(d.hours, 'hour') : '',
    d.minutes ? plural(d.minutes, 'minute') : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'no duration';
}

function recurrenceText(r: Recurrence, at: string): string {
  switch (r.kind) {
    case 'once':
      return `once at ${at}`;
    case 'interval': {
      const span = r.days ? every(r.days, 'day') : r.hours ? every(r.hours, 'hour') : every(r.minutes, 'minute');
      return `${span} at ${at.slice(11)}, from ${at.slice(0, 10)}`;
    }
    case 'weekly':
      return `${every(r.weeks, 'week')} on ${WEEKDAYS[r.weekday] ?? '?'} at ${at.slice(11)}, from ${at.slice(0, 10)}`;
    case 'monthlyByWeekday':
      return `the ${WEEK_ORDER[r.weekOrder] ?? '?'} ${WEEKDAYS[r.weekday] ?? '?'} of ${every(r.months, 'month')} at ${at.slice(11)}, from ${at.slice(0, 10)}`;
    case 'monthlyByDate':
      return `${r.monthDay === 0 ? 'the last day' : `day ${r.monthDay}`} of ${every(r.months, 'month')} at ${at.slice(11)}, from ${at.slice(0, 10)}`;
    default:
      return `unknown recurrence (flags ${r.flags}) from ${at}`;
  }
}

/** "weekly on Wednesday at 22:00, from 2013-04-02, for 7 hours (client local time)". */
export function describeScheduleToken(token: ScheduleToken): string {
  const s = token.start;
  const at = `${s.year}-${pad(s.month)}-${pad(s.day)} ${pad(s.hour)}:${pad(s.minute)}`;
  const zone = token.isGmt ? 'UTC' : 'client local time';
  return `${recurrenceText(token.recurrence, at)}, for ${durationText(token.duration)} (${zone})`;
}

export function describeScheduleString(text: string): string | undefined {
  const tokens = decodeScheduleString(text);
  return tokens.length ? tokens.map(describeScheduleToken).join('; ') : undefined;
}

/** CCM_ServiceWindow Type (Configuration Manager client SDK), with the seed's note on type 6. */
export const SERVICE_WINDOW_TYPES: Record<string, string> = {
  '1': 'all deployments (collection maintenance window)',
  '2': 'programs',
  '3': 'reboot required',
  '4': 'software updates',
  '5': 'task sequences (OSD)',
  '6': 'non-business hours (user defined in Software Center)',
};

// ---------------------------------------------------------------------------------------------------
// The service windows a client knows

const POPULATING = re`Populating instance of ServiceWindow with ID=(?<id>[^,\s]+),\s*ScheduleString=(?<schedule>[0-9A-Fa-f]+),\s*Type=(?<type>\d+)`;
/** Some client versions log the bare token ("Schedule Token: 00011A8500080000"). */
const SCHEDULE_TOKEN = re`Schedule ?Token\s*[:=]\s*"?(?<schedule>(?:[0-9A-Fa-f]{16})+)`;

export const REVIEW_SERVICE_WINDOWS = [
  'Review ServiceWindowManager.log and identify the service windows available. For more information see the "How to review ServiceWindowManager.log" section: search for the "Refreshing Service Windows" string; immediately following this line, you will see a list of the applicable service windows on the machine.',
  'Generally, Service windows with IDs containing all lowercase alpha-numeric characters are non-business hour (NBH) maintenance windows. These are based on business hours configured in Software Center. However, Service Windows with IDs containing all uppercase alpha-numeric characters are maintenance windows defined for the collection in the Configuration Manager console.',
];

function windowStep(
  id: string | undefined,
  type: string | undefined,
  schedule: string,
  file: string,
  line: number,
  utc: number | null,
): FindingStep {
  const kind = type ? (SERVICE_WINDOW_TYPES[type] ?? `type ${type}`) : 'schedule token';
  const name = id ? `Service window ${id} — ${kind}` : `Schedule token ${schedule}`;
  const step: FindingStep = { name, seen: true, file, line, log: 'ServiceWindowManager.log', logPresent: true };
  const when = toIsoUtc(utc);
  if (when) step.utc = when;
  step.detail = describeScheduleString(schedule) ?? `schedule ${schedule}`;
  return step;
}

/** The client could not read a window's schedule (real ServiceWindowManager.log, right after "Populating instance"). */
const SCHEDULE_FAILED = re`Failed to initialize ServiceWindowSchedule instance from schedule string`;
/** How many lines after "Populating instance" the client says whether the schedule could be read. */
const SCHEDULE_NOTE_LINES = 3;

function scheduleFailedAfter(source: Source, index: number): number | undefined {
  for (let i = index + 1; i < source.records.length && i <= index + SCHEDULE_NOTE_LINES; i++) {
    const message = messageOf(source, i);
    if (SCHEDULE_FAILED.test(message)) return i;
    if (POPULATING.test(message)) return undefined;
  }
  return undefined;
}

/** "Refreshing Service Windows....." (seed): the client lists every window it has again, from scratch. */
const REFRESH = re`Refreshing Service Windows\.`;

/** A window the client populated, at one line of one of the machine's ServiceWindowManager logs. */
interface WindowLine {
  source: Source;
  index: number;
  time: number;
  /** The window's ID, or for a bare schedule token the token: a later line of the same key replaces it. */
  key: string;
  step: FindingStep;
  /** The line saying the client could not read this window's schedule. */
  failedAt?: number;
}

type WindowEvent = { kind: 'refresh'; source: Source; index: number; time: number } | ({ kind: 'window' } & WindowLine);

function windowEventsOf(source: Source): WindowEvent[] {
  const events: WindowEvent[] = [];
  for (let index = 0; index < source.records.length; index++) {
    const message = messageOf(source, index);
    const time = source.times[index];
    if (REFRESH.test(message)) {
      events.push({ kind: 'refresh', source, index, time });
      continue;
    }
    const m = POPULATING.exec(message) ?? SCHEDULE_TOKEN.exec(message);
    if (!m?.groups) continue;
    const id = m.groups.id?.replace(/[{}]/g, '');
    const utc = Number.isNaN(time) ? null : time;
    const step = windowStep(id, m.groups.type, m.groups.schedule, source.file, source.records.line(index), utc);
    const failedAt = scheduleFailedAfter(source, index);
    if (failedAt !== undefined) {
      step.failed = true;
      step.detail = `the client failed to initialise this schedule: the window is not in effect (${step.detail})`;
    }
    const key = (id ?? m.groups.schedule).toLowerCase();
    events.push({ kind: 'window', source, index, time, key, step, failedAt });
  }
  return events;
}

/**
 * The windows a machine has at the end of its logs. A refresh lists them all again (a window it no longer
 * lists was deleted); a policy created between refreshes adds one ("New Service Window Policy notification
 * received", then "Populating instance"); the same ID populated again replaces its schedule. Rolled-over
 * copies are read in time order, so a listing cut in two by a roll-over is read whole.
 */
function windowsInEffect(events: WindowEvent[]): { windows: WindowLine[]; dropped: number } {
  const windows = new Map<string, WindowLine>();
  const ever = new Set<string>();
  for (const event of events) {
    if (event.kind === 'refresh') windows.clear();
    else {
      windows.delete(event.key); // keeps the map in the order the client listed them last
      windows.set(event.key, event);
      ever.add(event.key);
    }
  }
  return { windows: [...windows.values()], dropped: ever.size - windows.size };
}

/** Lines of the same millisecond in two copies of one log: the rolled-over copy wrote first. */
const olderFileFirst = (a: Source, b: Source) =>
  a === b ? 0 : rolloverRank(a.file).localeCompare(rolloverRank(b.file)) || a.position - b.position;

function serviceWindowFinding(sources: Source[]): Finding | undefined {
  const events = sources
    .flatMap(windowEventsOf)
    .sort((a, b) => a.time - b.time || olderFileFirst(a.source, b.source) || a.index - b.index);
  const { windows, dropped } = windowsInEffect(events);
  if (!windows.length && !dropped) return undefined;
  const last = events[events.length - 1];
  const steps = windows.map((w) => w.step);
  const evidence: Evidence[] = windows.map((w) => ({ file: w.step.file!, line: w.step.line!, text: w.step.detail! }));
  const gone = dropped ? ` ${dropped} window(s) listed earlier are no longer in the client's list.` : '';
  const summary = `${steps.length} service window(s) on this client; lower-case IDs are non-business hours, upper-case IDs collection maintenance windows.${gone}`;
  const base = {
    flow: 'serviceWindows',
    title: 'Maintenance (service) windows on the client',
    // The log's name: the folder (the machine) is in every evidence path.
    key: basename(last.source.file),
    steps,
    advice: REVIEW_SERVICE_WINDOWS,
    evidence,
  };
  const failed = windows.filter((w) => w.failedAt !== undefined);
  if (!failed.length) return { ...base, status: 'complete', summary };
  const first = failed[0];
  const text = messageOf(first.source, first.failedAt!).slice(0, 300);
  const line = first.source.records.line(first.failedAt!);
  evidence.push({ file: first.source.file, line, text, note: 'failure' });
  const id = first.step.name.replace(/^Service window /, '').replace(/ — .*$/, '');
  return {
    ...base,
    status: 'broken',
    summary: `${summary} ${failed.length} of them failed to initialise their schedule: the client does not use them.`,
    error: {
      heading: "A service window's schedule failed to initialise",
      message: `Service window ${id}: ${text}`,
      file: first.source.file,
      line,
    },
  };
}

/** One finding per machine (folder): its ServiceWindowManager logs, rolled-over copies included. */
function serviceWindowFindings(context: DiagnoseContext): Finding[] {
  const sources = context.sourcesFor(SERVICE_WINDOW_MANAGER);
  const out: Finding[] = [];
  for (const folder of new Set(sources.map((s) => s.folder))) {
    const finding = serviceWindowFinding(sources.filter((s) => s.folder === folder));
    if (finding) out.push(finding);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Each restart request: inside a window, or overridden

export const UNEXPECTED_REBOOT_ADVICE = [
  'Review UpdatesDeployment.log, and locate the following line to check whether the deployment was set to ignore the maintenance window: Notify reboot with deadline = ..., Ignore reboot Window = True, NotifyUI = True',
  'Review MaintenanceCoordinator.log, and locate the following line to check whether deployment was set to ignore the maintenance window. A value of 1 for swoverride means that the ignore maintenance window setting is enabled: RequestPersistence(id=Update download job, persist=1, swoverride=1, swType=4, pendingWFDisable=0, deadline=1)',
  'Review SCNotify.log, and look for the following lines to check whether the user clicked the restart notification to initiate a restart: "ConfirmRestartDialog: User chose to restart/logoff." / "The user is allowed to restart the computer. Initiating restart."',
  'Check the deployment properties in the Configuration Manager console to check whether the deployment is set to override maintenance windows. If the deployment is not set to override maintenance windows, but the client logs suggest that override maintenance window was set, review the audit status messages to check whether the deployment was modified by someone (Monitoring -> System Status -> Status Message Queries -> All Status Messages, filter for Message ID = 30197).',
  'If possible, enable verbose & debug logging if the issue can be reproduced. See the "How to enable verbose and debug logging for the Configuration Manager client" section.',
];

export const restartRule: FlowRule = {
  id: 'restart',
  title: 'Software update restart and maintenance windows',
  anchors: [{ ...UPDATES_DEPLOYMENT, start: [re`Notify reboot with deadline = `] }],
  steps: [
    {
      name: 'ServiceWindowManager answers whether a service window is available',
      ...SERVICE_WINDOW_MANAGER,
      link: 'time',
      optional: true,
      lookbackMs: 3600_000,
      patterns: [
        re`Program can run!`,
        re`Program cannot Run!`,
        re`No Restricting Service Windows exist`,
        re`Biggest Active Service Window has ID = (?<window>[^\s]+)`,
      ],
      detail: (m) => (m.groups?.window ? `active window ${m.groups.window}` : m[0]),
    },
    {
      name: 'MaintenanceCoordinator request for the update job (swoverride = ignore the maintenance window)',
      logs: ['MaintenanceCoordinator.log'],
      components: ['MaintenanceCoordinator'],
      link: 'time',
      optional: true,
      lookbackMs: 24 * 3600_000,
      patterns: [re`RequestPersistence\([^)]{0,200}?swoverride=(?<swoverride>\d)`],
      detail: (m) =>
        `swoverride=${m.groups?.swoverride}${m.groups?.swoverride === '1' ? ' (ignore maintenance window enabled)' : ''}`,
    },
    {
      name: 'Updates Deployment Agent notifies the restart',
      ...UPDATES_DEPLOYMENT,
      link: 'time',
      patterns: [
        re`Notify reboot with deadline = (?<deadline>[^\n]{0,120}?), Ignore reboot Window = (?<ignore>True|False)`,
        re`Notify reboot with deadline = `,
      ],
      detail: (m) =>
        m.groups?.ignore
          ? `Ignore reboot Window = ${m.groups.ignore}${m.groups.ignore === 'True' ? ' (the restart may happen outside a maintenance window)' : ''}`
          : undefined,
    },
    {
      name: 'Assignment state: pending reboot (ASSIGNMENT_ENFORCE_PENDING_REBOOT)',
      ...UPDATES_DEPLOYMENT,
      link: 'time',
      optional: true,
      patterns: [re`StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT`],
    },
    {
      name: 'User chose to restart from the restart notification (SCNotify.log)',
      logs: ['SCNotify.log'],
      components: ['SCNotify'],
      link: 'time',
      optional: true,
      patterns: [
        re`ConfirmRestartDialog: User chose to restart/logoff`,
        re`The user is allowed to restart the computer\. Initiating restart`,
      ],
    },
  ],
  maxDurationMs: 24 * 3600_000,
};

/** Says why a restart could fall outside a maintenance window, from the details the steps found. */
function explainRestart(finding: Finding): Finding {
  const reasons: string[] = [];
  const step = (log: string) => finding.steps.find((s) => s.log === log);
  if (step('UpdatesDeployment.log')?.detail?.includes('= True'))
    reasons.push('the deployment ignores the maintenance window for the restart (Ignore reboot Window = True)');
  if (step('MaintenanceCoordinator.log')?.detail?.startsWith('swoverride=1'))
    reasons.push('MaintenanceCoordinator ran the update job with swoverride=1');
  if (step('SCNotify.log')?.seen) reasons.push('the user chose to restart from the notification (SCNotify.log)');
  if (!reasons.length)
    return {
      ...finding,
      summary:
        'Restart requested inside the rules: no maintenance window override and no user-initiated restart in these logs.',
    };
  return {
    ...finding,
    summary: `A restart outside a maintenance window is explained: ${reasons.join('; ')}.`,
    advice: UNEXPECTED_REBOOT_ADVICE,
  };
}

export const rebootWindowsModule: FlowModule = {
  id: 'rebootWindows',
  title: 'Maintenance windows and restarts',
  diagnose: (context) => [...serviceWindowFindings(context), ...runFlow(restartRule, context).map(explainRestart)],
};
