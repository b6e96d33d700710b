// The independent oracle of issue #16: every generated scenario through the real diagnosis, checked against
// its expected verdicts. A failure prints what was expected and what the engine said, per finding.
// Run: npm run test:scenarios (not part of `npm test` until the engine passes it).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runScenario } from './run';
import { SCENARIOS } from './scenarios';

const root = mkdtempSync(join(tmpdir(), 'cmlogs-scenarios-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the suite has at least 40 scenarios, at least 15 of them healthy, names unique', () => {
  assert.ok(SCENARIOS.length >= 40, `${SCENARIOS.length} scenarios`);
  assert.ok(SCENARIOS.filter((s) => s.healthy).length >= 15, `${SCENARIOS.filter((s) => s.healthy).length} healthy`);
  assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length);
});

/** SCENARIO_VARIANTS=5 runs each scenario with 5 seeds (other site names, times, durations and jitter). */
const variants = Math.max(1, Number(process.env.SCENARIO_VARIANTS) || 1);

for (const scenario of SCENARIOS) {
  for (let variant = 0; variant < variants; variant++) {
    test(`${scenario.healthy ? 'healthy' : 'broken '} ${scenario.name}${variant ? ` #${variant}` : ''}`, async () => {
      const run = await runScenario(scenario, root, variant);
      assert.ok(run.expected.findings.length > 0, 'a scenario expects something');
      if (run.problems.length)
        assert.fail(
          [`${scenario.description}`, `(logs: ${run.dir})`, ...run.problems.map((p) => `  - ${p}`)].join('\n'),
        );
    });
  }
}
