// `cmlogs stats` (and every CLI command, through parseAll) reads a small folder in the calling thread: a worker
// costs ~0.1 s of CPU to start, more than it saves on a few MB (core/parallel.ts, SMALL_INPUT_BYTES).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultWorkerCount, SMALL_INPUT_BYTES } from '../../server/src/core/parallel';

test('no worker for files under SMALL_INPUT_BYTES in all; the usual count over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-small-'));
  try {
    const files = ['a.log', 'b.log', 'c.log'].map((name) => join(dir, name));
    for (const file of files) writeFileSync(file, 'x'.repeat(1000));
    assert.equal(defaultWorkerCount(files), 1);
    // A file that is gone counts as empty (parseFile reports it).
    assert.equal(defaultWorkerCount([...files, join(dir, 'missing.log')]), 1);
    // Sparse files: the sizes are what counts, not what is on disk.
    truncateSync(files[0], SMALL_INPUT_BYTES / 2);
    assert.equal(defaultWorkerCount(files), 1);
    truncateSync(files[1], SMALL_INPUT_BYTES / 2);
    assert.equal(defaultWorkerCount(files), defaultWorkerCount(files.length));
    assert.equal(defaultWorkerCount([files[0]]), 1);
    // The count alone (the language server's background reading): as before, one per core, at most one per file.
    assert.equal(defaultWorkerCount(1), 1);
    assert.ok(defaultWorkerCount(3) >= 1 && defaultWorkerCount(3) <= 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
