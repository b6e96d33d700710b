// npm run scenarios:write -- OUTDIR [NAME...]: writes the scenario folders (client/, siteserver/, mp/ and
// expected.json) to disk, to open them with `cmlogs diagnose OUTDIR/<name>` or in VS Code.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeScenario } from './gen/expect';
import { SCENARIOS } from './scenarios';

const [out, ...names] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: npm run scenarios:write -- OUTDIR [SCENARIO...]\n');
  process.exit(2);
}
const chosen = names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
for (const name of names) if (!SCENARIOS.some((s) => s.name === name)) process.stderr.write(`no scenario ${name}\n`);
for (const scenario of chosen) {
  const dir = join(resolve(out), scenario.name);
  mkdirSync(dir, { recursive: true });
  const expected = writeScenario(dir, scenario);
  process.stdout.write(
    `${scenario.healthy ? 'healthy' : 'broken '}  ${dir}  (${expected.findings.length} expected findings)\n`,
  );
}
