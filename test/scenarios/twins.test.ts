// Two machines with the same GUIDs: a scenario's folder collected twice, as PC-A/ and PC-B/ side by side (an admin
// collecting two clients of the same deployment, the same scan tool, the same content). Every verdict must come
// exactly twice, each machine's from its own logs: no instance may take the other machine's lines, failures or end.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { after, test } from 'node:test';
import type { Finding } from '../../server/src/core/diagnose/index';
import { writeScenario } from './gen/expect';
import { diagnoseFolder } from './run';
import { SCENARIOS } from './scenarios';

const root = mkdtempSync(join(tmpdir(), 'cmlogs-twins-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What a verdict says, without where its files are. */
const verdict = (f: Finding) =>
  [
    f.flow,
    f.key,
    f.status,
    f.error?.code ?? '',
    f.steps.map((s) => `${s.seen ? '+' : '-'}${s.failed ? '!' : ''}`).join(''),
  ].join(' ');

const counted = (findings: Finding[]) => {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(verdict(f), (counts.get(verdict(f)) ?? 0) + 1);
  return counts;
};

/** The folders (machines) a finding's evidence lies in, as `PC/machine` names relative to `root`. */
const foldersOf = (root: string, f: Finding) => {
  const files = [...f.evidence.map((e) => e.file), ...(f.error?.file ? [f.error.file] : [])];
  return new Set(files.map((file) => relative(root, dirname(file))));
};

for (const scenario of SCENARIOS) {
  test(`${scenario.name}: collected from two machines, every verdict twice, each from its own machine`, async () => {
    const one = join(root, scenario.name, 'one');
    writeScenario(one, scenario);
    const two = join(root, scenario.name, 'two');
    for (const pc of ['PC-A', 'PC-B']) cpSync(one, join(two, pc), { recursive: true });
    const single = await diagnoseFolder(one);
    const twice = await diagnoseFolder(two);
    const doubled = [...counted(single)].map(([v, n]) => [v, 2 * n] as const);
    assert.deepEqual([...counted(twice)].sort(), doubled.sort());
    // A finding told by one machine's logs alone (a client's scan, deployment, download) is told by one PC's
    // alone: never by both PCs' copies of that machine. Findings that cross machines (a client's state messages
    // relayed by the management point) may read either PC's server, as a client beside two servers would.
    const oneMachine = new Set(single.filter((f) => foldersOf(one, f).size === 1).map(verdict));
    const mixed = twice.filter((f) => {
      if (!oneMachine.has(verdict(f))) return false;
      return new Set([...foldersOf(two, f)].map((folder) => folder.split(sep)[0])).size > 1;
    });
    assert.deepEqual(
      mixed.map((f) => `${f.flow} ${f.key}: evidence from ${[...foldersOf(two, f)].join(' + ')}`),
      [],
      'a one-machine finding whose evidence spans both PCs',
    );
  });
}
