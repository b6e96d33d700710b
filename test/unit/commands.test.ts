// The palette's timeline commands (client/src/commands.ts) in plain Node, over the fake `vscode` of
// test/support and the server's own timelinePage(): which files and folders reach the server, and what happens
// for a log over VS Code's 50 MB limit, which has a tab but no document for extensions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeVscode, useFake, type FakeVscode } from '../support/fakeVscode';
import { LogIndex } from '../../server/src/core/logIndex';
import { parseText } from '../../server/src/core/parse';
import { timelinePage } from '../../server/src/features/timeline';
import { Requests, type TimelineParams } from '../../server/src/protocol';

const { registerCommands } = require('../../client/src/commands') as typeof import('../../client/src/commands');

const line = (message: string, time: string) =>
  `<![LOG[${message}]LOG]!><time="${time}+000" date="12-03-2026" component="CAS" context="" type="1" thread="7" file="">`;
const BIG = '/logs/client/CAS.log';
const SMALL = '/logs/client/LocationServices.log';

function setup(): {
  fake: FakeVscode;
  requests: Array<{ method: string; params: TimelineParams & { path?: string } }>;
} {
  const fake = useFake(fakeVscode());
  const index = new LogIndex();
  index.setFile(
    parseText(
      [
        line('Download {11111111-2222-3333-4444-555555555555} started', '10:00:00.000'),
        line('Download done', '10:00:02.000'),
      ].join('\n'),
      BIG,
    ),
  );
  index.setFile(parseText(line('Current AMP is ...', '10:00:01.000'), SMALL));
  const requests: Array<{ method: string; params: TimelineParams & { path?: string } }> = [];
  const client = {
    sendRequest: async (method: string, params: TimelineParams & { path?: string }) => {
      requests.push({ method, params });
      if (method === Requests.indexFolder.method)
        return {
          files: index
            .fileNames()
            .filter((f) => f.startsWith(params.path + '/'))
            .map((f) => 'file://' + f),
        };
      return timelinePage(index, params);
    },
  };
  registerCommands(fake.context as never, client as never);
  return { fake, requests };
}

const timelineRequests = (requests: ReturnType<typeof setup>['requests']) =>
  requests.filter((r) => r.method === Requests.timeline.method).map((r) => r.params);

test('Open Timeline with no selection: the open logs, including the tab of a log over 50 MB that has no document', async () => {
  const { fake, requests } = setup();
  const small = fake.vscode.Uri.file(SMALL);
  fake.vscode.workspace.textDocuments.push(
    { uri: small, languageId: 'cmlog' },
    { uri: fake.vscode.Uri.file('/notes.txt'), languageId: 'plaintext' },
  );
  fake.files.set(BIG, { size: 60 * 1024 * 1024 });
  fake.files.set('/logs/client/small.log', { size: 1000 });
  fake.openTab(fake.vscode.Uri.file(BIG));
  fake.openTab(fake.vscode.Uri.file('/logs/client/small.log')); // under the limit and not a cmlog document: not ours
  fake.openTab(small);
  await fake.registered.get('cmlogs.openTimeline')!();
  try {
    await fake.send({ type: 'ready' });
    const until = Date.now() + 3000;
    while (!timelineRequests(requests).length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(timelineRequests(requests)[0].uris, ['file://' + SMALL, 'file://' + BIG]);
  } finally {
    fake.close();
  }
});

test('Open in Timeline on a folder sends the folder, so that logs written into it later join', async () => {
  const { fake, requests } = setup();
  fake.files.set('/logs/client', { size: 0, folder: true });
  fake.files.set('/logs/client/WUAHandler.log', { size: 100 });
  await fake.registered.get('cmlogs.openInTimeline')!(fake.vscode.Uri.file('/logs/client'));
  try {
    assert.equal(fake.panel.title, 'Timeline: client');
    await fake.send({ type: 'ready' });
    const until = Date.now() + 3000;
    while (!timelineRequests(requests).length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      [timelineRequests(requests)[0].folders, timelineRequests(requests)[0].uris],
      [['file:///logs/client'], undefined],
    );
    // The folder's logs are only counted first (are there any?), here, not by the server (the panel opens while it
    // starts): the timeline reads them and shows the first at once.
    assert.deepEqual(
      requests.filter((r) => r.method === Requests.indexFolder.method),
      [],
    );
    assert.ok(timelineRequests(requests).every((p) => p.partial === true));
  } finally {
    fake.close();
  }
});

test('Open in Timeline on a folder without logs says so and opens nothing', async () => {
  const { fake, requests } = setup();
  fake.files.set('/empty', { size: 0, folder: true });
  fake.files.set('/empty/notes.txt', { size: 10 });
  fake.files.set('/empty/sub', { size: 0, folder: true });
  fake.files.set('/empty/sub/CAS.log', { size: 10 }); // a subfolder's log is not the folder's (as the server lists)
  assert.equal(await fake.registered.get('cmlogs.openInTimeline')!(fake.vscode.Uri.file('/empty')), undefined);
  assert.match(fake.calls.infos[0], /No ConfigMgr logs in \/empty/);
  assert.equal(timelineRequests(requests).length, 0);
});

test('Show Related Events in a log over 50 MB (no editor for extensions) opens the timeline of that log and says why', async () => {
  const { fake, requests } = setup();
  fake.files.set(BIG, { size: 60 * 1024 * 1024 });
  fake.openTab(fake.vscode.Uri.file(BIG));
  const panel = await fake.registered.get('cmlogs.showRelated')!();
  try {
    assert.ok(panel, 'a timeline opened');
    assert.match(fake.calls.infos[0], /CAS\.log is too large/);
    await fake.send({ type: 'ready' });
    const until = Date.now() + 3000;
    while (!timelineRequests(requests).length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(timelineRequests(requests)[0].uris, ['file://' + BIG]);
  } finally {
    fake.close();
  }
});

test('Show Related Events with no editor and no large log open does nothing', async () => {
  const { fake, requests } = setup();
  fake.files.set('/logs/client/small.log', { size: 1000 });
  fake.openTab(fake.vscode.Uri.file('/logs/client/small.log'));
  assert.equal(await fake.registered.get('cmlogs.showRelated')!(), undefined);
  assert.equal(requests.length, 0);
});
