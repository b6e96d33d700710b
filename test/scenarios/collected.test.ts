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
import { seedOf } from './gen/expect';
import { diagnoseFolder } from './run';
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
