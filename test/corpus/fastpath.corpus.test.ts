// Every real log: the byte fast path and the general parser agree on every record (test/support/sameParse.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listLogFiles } from '../../server/src/core/files';
import { fastPathDifferences } from '../support/sameParse';
import { CORPUS } from './corpusPath';

test('the fast path reads every corpus file exactly as the general parser does', async () => {
  const problems: string[] = [];
  for (const file of listLogFiles([CORPUS]).files) {
    for (const p of await fastPathDifferences(file)) problems.push(`${file.slice(CORPUS.length + 1)}: ${p}`);
  }
  assert.deepEqual(problems, []);
});
