// What a scenario expects of the diagnosis, written next to its logs as expected.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeMachines, type Machine } from './core';

export type Status = 'complete' | 'broken' | 'incomplete' | 'unproven';

export interface Expectation {
  flow: string;
  /** Substring of the finding's key (case-insensitive): a job/request/assignment GUID, or a sync's site code. */
  key?: string;
  /**
   * For flows whose instances are cycles in time (sync, state message uploads, StateSys batches, restarts,
   * WUAHandler-only scans): the UTC of the instance's first line. The finding of that flow whose key holds the
   * nearest UTC time, within a minute, is the one checked (so an engine anchoring on a neighbouring line matches).
   */
  at?: string;
  /**
   * The machine folder (client-a...) whose logs the finding must come from, every line of it: two machines of one
   * deployment share its IDs, so the key alone does not say whose finding it is.
   */
  machine?: string;
  /** The status the finding must have (any of a list). */
  status: Status | Status[];
  /** Substring of the name of the step marked failed. */
  failedStep?: string;
  /** The error code the finding reports (0x… as the engine formats it, compared case-insensitively). */
  code?: string;
  /** Substring of the error's heading (the seed's heading for the failure). */
  heading?: string;
  /** Substrings (case-insensitive) the finding's summary must hold: the values it must name. */
  says?: string[];
  /** The finding carries no error at all (not even a recovered one): another instance's failure is not its own. */
  noError?: boolean;
  /** The finding completed after a failure of its own that it got past (a scan retry, a transient BITS error). */
  recovered?: boolean;
  /** The engine may or may not report this finding (a flow of its own design); when it does, it must hold. */
  optional?: boolean;
  /** Why: shown when the expectation fails. */
  why?: string;
}

export interface Expected {
  name: string;
  description: string;
  /**
   * Healthy: every flow in it worked, so no finding of any flow may be broken, and no finding may carry an error
   * unless an expectation says it recovered from one of its own.
   */
  noBroken: boolean;
  findings: Expectation[];
  /** Exactly this many findings of a flow (one sync that rolled over is one instance, not two). */
  counts?: Record<string, number>;
}

export interface Built {
  machines: Machine[];
  findings: Expectation[];
  counts?: Record<string, number>;
}

export interface Scenario {
  name: string;
  description: string;
  healthy: boolean;
  build(seed: number): Built;
}

/** A stable seed per scenario name, so adding a scenario does not change the others. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Writes a scenario's folders (client/, siteserver/, mp/) and its expected.json under `dir`. */
export function writeScenario(dir: string, scenario: Scenario, variant = 0): Expected {
  const built = scenario.build(seedOf(variant ? `${scenario.name}#${variant}` : scenario.name));
  writeMachines(dir, built.machines);
  const expected: Expected = {
    name: scenario.name,
    description: scenario.description,
    noBroken: scenario.healthy,
    findings: built.findings,
    ...(built.counts ? { counts: built.counts } : {}),
  };
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  return expected;
}
