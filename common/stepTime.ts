// A diagnosis step's time as people read it. A step proven by a log that writes local time with no zone
// (WindowsUpdate.log from Get-WindowsUpdateLog, setup logs) has a UTC only because its machine's other logs gave
// the zone: the report says so, and shows the time the log itself shows, or the local time alone when no log gave
// a zone (never a local time printed as UTC). Plain ECMAScript: the CLI, the markdown and the Diagnosis view use it.
import type { FindingStep } from './wire';

/** "2021-07-14T12:57:59.229Z", or "… (the log wrote 2021-07-14 08:57:59.229, no zone; zone from WUAHandler.log)". */
export function stepTime(step: Pick<FindingStep, 'utc' | 'local' | 'zoneFrom'>): string {
  if (!step.local) return step.utc ?? '';
  const local = step.local.replace('T', ' ');
  if (!step.utc) return `${local} (local time, zone unknown)`;
  return `${step.utc} (the log wrote ${local}, no zone; zone from ${step.zoneFrom ?? 'another log'})`;
}
