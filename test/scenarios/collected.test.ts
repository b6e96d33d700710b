// Logs collected earlier: every machine's logs of a healthy scenario cut at the same UTC instant, as if the admin
// had collected them while the runs were still going (a 27-hour download at hour 11, a deployment waiting for its
// window, a sync mid-way). Nothing failed up to that instant, so no finding may be broken: a run cut short is
// incomplete. Scenarios that recover from a failure of their own are left out: collected before the recovery,
// their failure is the truth at that instant.
// In `npm test` each scenario is cut at two instants; COLLECTED_ALL=1 cuts each at eight.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeMachines } from './gen/core';
import { seedOf, type Expectation } from './gen/expect';
import { check, diagnoseFolder, matching } from './run';
import { parseFile } from '../../server/src/core/parse';
import type { Finding } from '../../server/src/core/diagnose/index';
import { SCENARIOS } from './scenarios';

const root = mkdtempSync(join(tmpdir(), 'cmlogs-collected-'));
after(() => rmSync(root, { recursive: true, force: true }));

const FRACTIONS = process.env.COLLECTED_ALL ? [0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97] : [0.45, 0.9];

const healthy = SCENARIOS.filter((s) => s.healthy);

for (const scenario of healthy) {
  const recovers = scenario.build(seedOf(scenario.name)).findings.some((e) => e.recovered);
  if (recovers) continue;
  test(`${scenario.name}: collected before its end, nothing broken`, async () => {
    const problems: string[] = [];
    for (const fraction of FRACTIONS) {
      const { machines } = scenario.build(seedOf(scenario.name));
      const times = machines.flatMap((m) => [...m.logs.values()].flatMap((l) => l.entries.map((e) => e.utc)));
      const first = Math.min(...times);
      const cut = first + fraction * (Math.max(...times) - first);
      for (const machine of machines) machine.collectedAt = cut;
      const dir = join(root, `${scenario.name}@${fraction}`);
      writeMachines(dir, machines);
      for (const f of (await diagnoseFolder(dir)).filter((x) => x.status === 'broken'))
        problems.push(`cut at ${new Date(cut).toISOString()} (${fraction}): BROKEN ${f.flow} [${f.key}] ${f.summary}`);
    }
    if (problems.length) assert.fail(`${scenario.description}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  });
}

test('the cut takes away what was written after it: content-27h-download cut at its middle loses its end lines', () => {
  const scenario = SCENARIOS.find((s) => s.name === 'content-27h-download')!;
  const whole = scenario.build(seedOf(scenario.name)).machines;
  const cut = scenario.build(seedOf(scenario.name)).machines;
  const times = cut.flatMap((m) => [...m.logs.values()].flatMap((l) => l.entries.map((e) => e.utc)));
  const middle = (Math.min(...times) + Math.max(...times)) / 2;
  for (const machine of cut) machine.collectedAt = middle;
  const bytes = (dir: string, machines: typeof whole) =>
    writeMachines(join(root, dir), machines).reduce((n, path) => n + statSync(path).size, 0);
  const [all, part] = [bytes('whole', whole), bytes('cut', cut)];
  assert.ok(part > 0 && part < all, `${part} of ${all} bytes`);
  const dts = readFileSync(join(root, 'cut', 'client', 'DataTransferService.log'), 'latin1');
  assert.ok(!/successfully completed download/.test(dts), 'the download completes after the cut');
});

// Logs collected after a failure: a broken finding whose failure is a line (a code, a heading) stays broken, with
// the same code and step, when every machine's logs are cut at any instant after that line — just after it, or
// half-way to the scenario's end. What came later (a retry, the next cycle, another deployment) must not be what
// made it broken. Stalls are left out: a stall needs its timeout to have passed.
const LATER = process.env.COLLECTED_ALL ? [0, 0.25, 0.5, 0.75] : [0, 0.5];

for (const scenario of SCENARIOS.filter((s) => !s.healthy)) {
  const failures = scenario.build(seedOf(scenario.name)).findings.filter(failureLine);
  if (!failures.length) continue;
  test(`${scenario.name}: collected after its failure, still broken`, async () => {
    const whole = join(root, `${scenario.name}@end`);
    const { machines } = scenario.build(seedOf(scenario.name));
    writeMachines(whole, machines);
    const findings = await diagnoseFolder(whole);
    const end = Math.max(...machines.flatMap((m) => [...m.logs.values()].flatMap((l) => l.entries.map((e) => e.utc))));
    const problems: string[] = [];
    for (const expectation of failures) {
      const failed = await failureUtc(expectation, findings);
      if (failed === undefined) continue; // scenarios.test.ts reports an expectation that does not hold
      for (const fraction of LATER) {
        const cut = failed + 1000 + fraction * Math.max(0, end - failed - 1000);
        const dir = join(root, `${scenario.name}@after${fraction}`);
        const cutMachines = scenario.build(seedOf(scenario.name)).machines;
        for (const machine of cutMachines) machine.collectedAt = cut;
        rmSync(dir, { recursive: true, force: true });
        writeMachines(dir, cutMachines);
        const expected = { name: scenario.name, description: '', noBroken: false, findings: [asCut(expectation)] };
        for (const p of check(expected, await diagnoseFolder(dir)).filter((x) => !x.startsWith('FALSE BROKEN')))
          problems.push(`cut at ${new Date(cut).toISOString()} (failure + ${fraction} of the rest): ${p}`);
      }
    }
    if (problems.length) assert.fail(`${scenario.description}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  });
}

/** An expectation whose broken verdict rests on a failure line (its code or heading), not on a stall. */
function failureLine(e: Expectation): boolean {
  const statuses = Array.isArray(e.status) ? e.status : [e.status];
  return statuses.length === 1 && statuses[0] === 'broken' && !e.optional && Boolean(e.code || e.heading);
}

/** What a cut collection must still say: the verdict, code, heading and step; not counts of what came later. */
function asCut(e: Expectation): Expectation {
  return { ...e, says: undefined };
}

/** The UTC of the failure line the whole collection's finding names (its error's file and line). */
async function failureUtc(e: Expectation, findings: Finding[]): Promise<number | undefined> {
  const expected = { name: '', description: '', noBroken: false, findings: [e] };
  if (check(expected, findings).some((p) => !p.startsWith('FALSE BROKEN'))) return undefined;
  const finding = matching(e, findings)[0];
  if (!finding?.error) return undefined;
  const { records } = await parseFile(finding.error.file);
  const utc = records.utc(records.indexAtLine(finding.error.line));
  return utc ?? undefined;
}
