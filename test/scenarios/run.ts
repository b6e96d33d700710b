// Runs the real diagnosis over a written scenario folder, the way `cmlogs diagnose DIR` does (every log file
// under it, parsed, then diagnose()), and checks the findings against the scenario's expectations.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile } from '../../server/src/core/parse';
import { writeScenario, type Expectation, type Expected, type Scenario } from './gen/expect';

export async function diagnoseFolder(dir: string): Promise<Finding[]> {
  const { files } = listLogFiles([dir]);
  const results = [];
  for (const file of files) results.push(await parseFile(file));
  return diagnose(results);
}

const statuses = (e: Expectation) => (Array.isArray(e.status) ? e.status : [e.status]);
const keyHas = (e: Expectation, f: Finding) =>
  f.flow === e.flow && (!e.key || f.key.toLowerCase().includes(e.key.toLowerCase()));
const AT_TOLERANCE_MS = 60_000;

/** The UTC time a cycle finding's key holds ("CS1 2014-01-16T18:53:52.201Z"), or NaN. */
function keyTime(f: Finding): number {
  const m = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?/.exec(f.key);
  return m ? Date.parse(m[0].endsWith('Z') ? m[0] : `${m[0]}Z`) : Number.NaN;
}

/** Every file a finding names (its steps', its evidence's, its error's) lies in the machine folder. */
const allOn = (machine: string, f: Finding) => {
  const files = [...f.steps.flatMap((s) => (s.file ? [s.file] : [])), ...f.evidence.map((x) => x.file)];
  if (f.error?.file) files.push(f.error.file);
  return files.length > 0 && files.every((file) => file.split(/[\\/]/).includes(machine));
};

/**
 * The findings an expectation speaks of: by key substring (and machine), and for `at` the one nearest in time
 * (within a minute).
 */
export function matching(e: Expectation, findings: Finding[]): Finding[] {
  const byKey = findings.filter((f) => keyHas(e, f) && (!e.machine || allOn(e.machine, f)));
  if (!e.at) return byKey;
  const at = Date.parse(e.at);
  const near = byKey
    .map((f) => ({ f, d: Math.abs(keyTime(f) - at) }))
    .filter((x) => x.d <= AT_TOLERANCE_MS)
    .sort((a, b) => a.d - b.d);
  return near.length ? [near[0].f] : [];
}

const keyMatches = (e: Expectation, f: Finding, findings: Finding[]) => matching(e, findings).includes(f);

function describe(f: Finding): string {
  const failed = f.steps.find((s) => s.failed);
  const error = f.error
    ? ` error ${f.error.code ?? ''}${f.error.recovered ? ' (recovered)' : ''} "${f.error.heading ?? f.error.message}"`
    : '';
  return `${f.status}${failed ? ` at "${failed.name}"` : ''}${error} — ${f.summary}`;
}

/** What does not hold, one line each (empty: the scenario passes). */
export function check(expected: Expected, findings: Finding[]): string[] {
  const problems: string[] = [];
  for (const e of expected.findings) {
    const label = `${e.flow}${e.key ? ` [${e.key}]` : ''}${e.machine ? ` on ${e.machine}` : ''}${e.at ? ` at ${e.at}` : ''}`;
    const found = matching(e, findings);
    if (!found.length && e.optional) continue;
    if (!found.length) {
      const ofFlow = findings.filter((f) => f.flow === e.flow).map((f) => f.key);
      problems.push(
        `${label}: expected ${statuses(e).join('|')}, got no finding (${e.flow} findings: ${ofFlow.join(', ') || 'none'})`,
      );
      continue;
    }
    for (const f of found) {
      const why = e.why ? ` — ${e.why}` : '';
      if (!statuses(e).includes(f.status as never))
        problems.push(`${label}: expected ${statuses(e).join('|')}, got ${describe(f)}${why}`);
      if (e.code && f.error?.code?.toLowerCase() !== e.code.toLowerCase())
        problems.push(`${label}: expected error code ${e.code}, got ${f.error?.code ?? 'none'} (${describe(f)})`);
      if (e.heading && !f.error?.heading?.toLowerCase().includes(e.heading.toLowerCase()))
        problems.push(
          `${label}: expected an error headed "…${e.heading}…", got ${f.error ? `"${f.error.heading}"` : 'no error'}`,
        );
      if (
        e.failedStep &&
        !f.steps
          .find((s) => s.failed)
          ?.name.toLowerCase()
          .includes(e.failedStep.toLowerCase())
      )
        problems.push(`${label}: expected the failed step "…${e.failedStep}…", got ${describe(f)}`);
      for (const words of e.says ?? [])
        if (!f.summary.toLowerCase().includes(words.toLowerCase()))
          problems.push(`${label}: expected the summary to say "${words}", got ${describe(f)}${why}`);
      if (e.noError && f.error) problems.push(`${label}: expected no error at all, got ${describe(f)}${why}`);
      if (e.recovered && !f.error?.recovered)
        problems.push(`${label}: expected a failure it recovered from, got ${describe(f)}${why}`);
    }
  }
  // A broken finding nobody expected is a false alarm, in any scenario.
  for (const f of findings.filter((x) => x.status === 'broken')) {
    const allowed = expected.findings.some((e) => keyMatches(e, f, findings) && statuses(e).includes('broken'));
    if (!allowed)
      problems.push(
        `FALSE BROKEN ${f.flow} [${f.key}]: ${describe(f)}${expected.noBroken ? ' (healthy scenario)' : ''}`,
      );
  }
  // In a healthy scenario an error on any finding is someone else's failure unless the scenario says it recovered.
  if (expected.noBroken) {
    for (const f of findings.filter((x) => x.error && x.status !== 'broken')) {
      const allowed = expected.findings.some((e) => e.recovered && keyMatches(e, f, findings));
      if (!allowed) problems.push(`UNEXPECTED ERROR ${f.flow} [${f.key}] in a healthy scenario: ${describe(f)}`);
    }
  }
  for (const [flow, n] of Object.entries(expected.counts ?? {})) {
    const got = findings.filter((f) => f.flow === flow);
    if (got.length !== n)
      problems.push(
        `${flow}: expected ${n} finding(s), got ${got.length} (${got.map((f) => `${f.key} ${f.status}`).join(', ')})`,
      );
  }
  return problems;
}

export interface ScenarioRun {
  dir: string;
  expected: Expected;
  findings: Finding[];
  problems: string[];
}

/** Variant 0 is the scenario's own seed; variants 1, 2… the same story with other names, times and jitter. */
export async function runScenario(
  scenario: Scenario,
  root = mkdtempSync(join(tmpdir(), 'cmlogs-scenarios-')),
  variant = 0,
): Promise<ScenarioRun> {
  const dir = join(root, variant ? `${scenario.name}#${variant}` : scenario.name);
  const expected = writeScenario(dir, scenario, variant);
  const findings = await diagnoseFolder(dir);
  return { dir, expected, findings, problems: check(expected, findings) };
}
