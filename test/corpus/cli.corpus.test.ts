// The built CLI over the whole real corpus: no crash, and every CMTrace header comes out as a record.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { listLogFiles } from '../../server/src/core/files';
import { CORPUS } from './corpusPath';

test('cmlogs parse --json over all of ../shared/corpus/real: exit 0, 100% of headers as records', () => {
  const run = spawnSync(process.execPath, [resolve(__dirname, '../../server/out/cli.js'), 'parse', CORPUS, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  assert.equal(run.status, 0, run.stderr);
  const records = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  const headers = listLogFiles([CORPUS]).files.reduce(
    (n, f) => n + readFileSync(f, 'latin1').split(']LOG]!><').length - 1,
    0,
  );
  const fromHeaders = records.filter(
    (r) => r.format === 'cmtrace' && !/^(text outside|no \]LOG\]!> header)/.test(r.damaged ?? ''),
  );
  assert.equal(fromHeaders.length, headers);
  assert.ok(records.length > 160_000);
});
