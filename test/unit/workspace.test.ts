// Which logs the server reads, and how often: the background scan of an opened folder, "Open in Timeline" on
// that folder and the timeline's own request arrive together, and each log must still be parsed once.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseFile } from '../../server/src/core/parse';
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
    assert.deepEqual(
      [...parses.values()],
      files.map(() => 1),
      JSON.stringify([...parses]),
    );
    assert.deepEqual(workspace.index.fileNames().sort(), [...files].sort());
    // Later requests answer from the index.
    await workspace.scanFolder(dir);
    for (const f of files) await workspace.ensureFile(f);
    assert.deepEqual(
      [...parses.values()],
      files.map(() => 1),
    );
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

test('a log read from disk is parsed plainly; when it changes it is followed: appends are parsed alone', async () => {
  const dir = folderOfLogs();
  try {
    const { workspace, parses } = countingWorkspace();
    const file = join(dir, 'CAS.log');
    await workspace.scanFolder(dir);
    const before = workspace.index.file(file)!.records.length;
    // The watcher fires for a file that did not change (e.g. read access): nothing is parsed again.
    await workspace.fileChanged(file);
    assert.equal(parses.get(file), 1);
    // It grows: read once more as a followed file (whole), then only what is added.
    const line = (text: string) =>
      `<![LOG[${text}]LOG]!><time="10:00:00.000+000" date="12-03-2026" component="ContentAccess" context="" type="1" thread="7" file="">\r\n`;
    appendFileSync(file, line('first added'));
    await workspace.fileChanged(file);
    assert.equal(parses.get(file), 2);
    appendFileSync(file, line('second added'));
    await workspace.fileChanged(file);
    assert.equal(parses.get(file), 2, 'an append to a followed file is not a whole parse');
    const records = workspace.index.file(file)!.records;
    assert.equal(records.length, before + 2);
    assert.deepEqual([records.at(-2)!.message, records.at(-1)!.message], ['first added', 'second added']);
    // Deleted: gone from the index; written again: a plain parse.
    rmSync(file);
    await workspace.fileChanged(file).catch(() => workspace.fileDeleted(file));
    assert.equal(workspace.index.file(file), undefined);
    appendFileSync(file, line('new log'));
    await workspace.fileChanged(file);
    assert.deepEqual(
      workspace.index.file(file)!.records.map((r) => r.message),
      ['new log'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder is read on every core (parseFilesParallel): the index holds what parseFile reads, file by file', async () => {
  const dir = folderOfLogs();
  try {
    const workspace = new LogWorkspace();
    const added = await workspace.scanFolder(dir);
    assert.deepEqual([...added].sort(), LOGS.map((name) => join(dir, name)).sort());
    for (const file of added) {
      const alone = await parseFile(file);
      assert.deepEqual([...workspace.index.file(file)!.records], [...alone.records], file);
    }
    // Keys from the workers' postings answer lookups like the ones collected here.
    const summary = workspace.index.summarize('c2d17964-bbdd-4339-b9f3-12d7205b39cc');
    assert.ok(summary && summary.count > 0 && summary.files.length >= 2, JSON.stringify(summary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
