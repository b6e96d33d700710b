// Which logs the server reads, and how often: the background scan of an opened folder, "Open in Timeline" on
// that folder and the timeline's own request arrive together, and each log must still be parsed once.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { LogWorkspace } from '../../server/src/workspace';

const CLIENT = resolve(__dirname, '../../samples/client');
const LOGS = ['ScanAgent.log', 'WUAHandler.log', 'CAS.log', 'LocationServices.log'];

function folderOfLogs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-ws-'));
  for (const name of LOGS) copyFileSync(join(CLIENT, name), join(dir, name));
  return dir;
}

/** A workspace that counts how often each file's records are (re)placed in the index, i.e. parsed whole. */
function countingWorkspace(): { workspace: LogWorkspace; parses: Map<string, number> } {
  const workspace = new LogWorkspace();
  const parses = new Map<string, number>();
  const setFile = workspace.index.setFile.bind(workspace.index);
  workspace.index.setFile = (result) => {
    parses.set(result.file, (parses.get(result.file) ?? 0) + 1);
    return setFile(result);
  };
  return { workspace, parses };
}

test('workspace scan, folder scan and timeline requests at once: every log is parsed once', async () => {
  const dir = folderOfLogs();
  try {
    const { workspace, parses } = countingWorkspace();
    const files = LOGS.map((name) => join(dir, name));
    await Promise.all([
      workspace.scanWorkspaceFolder(dir),
      workspace.scanFolder(dir),
      ...files.map((f) => workspace.ensureFile(f)),
      workspace.scanFolder(dir),
      ...files.map((f) => workspace.ensureFile(f)),
    ]);
    assert.deepEqual([...parses.values()], files.map(() => 1), JSON.stringify([...parses]));
    assert.deepEqual(workspace.index.fileNames().sort(), [...files].sort());
    // Later requests answer from the index.
    await workspace.scanFolder(dir);
    for (const f of files) await workspace.ensureFile(f);
    assert.deepEqual([...parses.values()], files.map(() => 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second folder scan waits for the first: it never answers before the logs are indexed', async () => {
  const dir = folderOfLogs();
  try {
    const { workspace } = countingWorkspace();
    const first = workspace.scanFolder(dir);
    const second = workspace.scanFolder(dir);
    await second;
    assert.equal(workspace.index.fileNames().length, LOGS.length, 'every log indexed when the second call returns');
    assert.deepEqual((await first).sort(), (await second).sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
