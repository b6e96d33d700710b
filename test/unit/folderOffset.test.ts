// "ConfigMgr: Set Time Offset for Folder" (client/src/folderOffset.ts) over the fake `vscode` of test/support: the
// folder clicked (or the active log's folder) gets the offset picked, stored in `cmlogs.folderOffsets` as the server
// reads it (core/clock.ts folderBiasesFrom); "Learn from the folder's logs" removes it again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeVscode, useFake } from '../support/fakeVscode';
import { folderBiasesFrom } from '../../server/src/core/clock';
import { parseUtcOffset } from '../../server/src/core/time';

const { setFolderOffset, offsetChoices, formatOffset } =
  require('../../client/src/folderOffset') as typeof import('../../client/src/folderOffset');

function setup(pick: string) {
  const fake = useFake(fakeVscode());
  const updates: Array<{ name: string; value: Record<string, string>; target: unknown }> = [];
  let stored: Record<string, string> = { '/other': 'UTC-05:00' };
  const vscode = fake.vscode as unknown as Record<string, any>;
  vscode.workspace.getConfiguration = () => ({
    get: () => stored,
    update: async (name: string, value: Record<string, string>, target: unknown) => {
      updates.push({ name, value, target });
      stored = value;
    },
  });
  vscode.window.showQuickPick = async (items: Array<{ value: string }>) => items.find((i) => i.value === pick);
  fake.files.set('/cases/PC01', { folder: true, size: 0 } as never);
  return { fake, updates, stored: () => stored };
}

test('every choice is an offset the server reads, from UTC-12:00 to UTC+14:00 with the half and quarter hours', () => {
  const choices = offsetChoices();
  assert.equal(choices[0], 'UTC-12:00');
  assert.equal(choices[choices.length - 1], 'UTC+14:00');
  assert.ok(choices.includes('UTC+05:30') && choices.includes('UTC+05:45') && choices.includes('UTC-03:30'));
  for (const c of choices) assert.notEqual(parseUtcOffset(c), null, c);
  assert.equal(parseUtcOffset(formatOffset(60)), -60, 'UTC+01:00 is bias -60');
});

test('a folder clicked in the Explorer gets the offset picked, beside the others, and the server reads it', async () => {
  const { fake, updates, stored } = setup('UTC+01:00');
  assert.equal(await setFolderOffset(fake.vscode.Uri.file('/cases/PC01') as never), 'UTC+01:00');
  assert.deepEqual(
    updates.map((u) => [u.name, u.target]),
    [['folderOffsets', 1]],
    'no workspace open: user settings',
  );
  assert.deepEqual(stored(), { '/other': 'UTC-05:00', '/cases/PC01': 'UTC+01:00' });
  assert.deepEqual(
    [...folderBiasesFrom(stored()).biases],
    [
      ['/other', 300],
      ['/cases/PC01', -60],
    ],
  );
});

test('the active log\'s folder, stored in the workspace when one is open; "learn" removes the setting again', async () => {
  const { fake, updates, stored } = setup('learn');
  const vscode = fake.vscode as unknown as Record<string, any>;
  vscode.workspace.workspaceFolders = [{ uri: fake.vscode.Uri.file('/cases') }];
  vscode.window.activeTextEditor = { document: { uri: fake.vscode.Uri.file('/other/IntuneManagementExtension.log') } };
  fake.files.set('/other/IntuneManagementExtension.log', { folder: false, size: 10 } as never);
  assert.equal(await setFolderOffset(), 'learn');
  assert.deepEqual(
    updates.map((u) => u.target),
    [2],
  );
  assert.deepEqual(stored(), {});
});
