// The views around the timeline, in plain Node: highlight rules (shared by the grid and the editor), the list's
// column layout, the diagnosis tree and its export, the Error Lookup page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../support/fakeVscode'; // lookupView.ts imports vscode (its page builder does not use it)
import { compileRules, parseRulesFile, sanitizeRules } from '../../client/src/shared/highlightRules';
import { defaultLayout, sanitizeLayout } from '../../client/src/shared/timelineMessages';
import { gridTemplate, messageWidth, resized, shownColumns } from '../../media/src/layout';
import {
  brokenFlows,
  diagnosisExport,
  diagnosisTree,
  statusOf,
  type DiagnosisNode,
} from '../../client/src/diagnosisModel';
import { lookupHtml } from '../../client/src/lookupView';
import type { Finding } from '../../server/src/core/diagnose/index';

test('highlight rules: first matching colour wins; hide and show-only decide visibility; bad regexes reported, not thrown', () => {
  const rules = sanitizeRules([
    { text: 'error = 0x8024', action: 'highlight', color: 'red' },
    { text: '^Download', regex: true, action: 'highlight', color: 'green' },
    { text: 'verbose chatter', action: 'hide' },
    { text: '(a+)+', regex: true, action: 'hide' },
    { text: 'x', action: 'explode', color: 'chartreuse' },
    { text: '' },
    'junk',
  ]);
  assert.equal(rules.length, 5);
  assert.deepEqual(
    rules[4],
    { text: 'x', regex: false, matchCase: false, action: 'highlight', color: 'yellow' },
    'unknown action and colour fall back',
  );
  const compiled = compileRules(rules);
  assert.equal(compiled.colorOf('Scan failed, error = 0x80244021'), 'red');
  assert.equal(compiled.colorOf('download started'), 'green', 'case-insensitive by default');
  assert.equal(compiled.colorOf('nothing here'), null);
  assert.equal(compiled.visible('some Verbose chatter'), false);
  assert.equal(compiled.visible('aaaa'), true, 'the refused regex hides nothing');
  assert.equal(compiled.errors.length, 1);
  assert.match(compiled.errors[0], /Nested quantifiers/);
  assert.equal(compiled.showsAll, false);
  const only = compileRules(
    sanitizeRules([
      { text: 'WSUS', action: 'only' },
      { text: 'ignored', action: 'hide' },
    ]),
  );
  assert.deepEqual(['WSUS path', 'other', 'WSUS ignored'].map(only.visible), [true, false, false]);
  assert.equal(compileRules([]).showsAll, true);
  assert.equal(sanitizeRules(Array.from({ length: 500 }, () => ({ text: 'a' }))).length, 100, 'at most 100 rules');
});

test('highlight rules file: an array or { rules }, with a BOM; anything else is a readable error', () => {
  assert.equal(parseRulesFile('\ufeff[{"text":"a"}]').length, 1);
  assert.equal(parseRulesFile('{"rules":[{"text":"a","action":"only"}]}')[0].action, 'only');
  assert.throws(() => parseRulesFile('{"text":"a"}'), /expected an array/);
  assert.throws(() => parseRulesFile('<xml/>'), /not JSON/);
});

test('columns: the message takes the rest; File hides itself for one file; widths clamped; the message cannot be hidden', () => {
  const layout = defaultLayout();
  assert.deepEqual(
    shownColumns(layout, 1).map((c) => c.id),
    ['time', 'comp', 'thread', 'msg'],
  );
  assert.deepEqual(
    shownColumns(layout, 2).map((c) => c.id),
    ['time', 'file', 'comp', 'thread', 'msg'],
  );
  assert.equal(gridTemplate(shownColumns(layout, 2)), '184px 120px 110px 56px minmax(0, 1fr)');
  // 1600 px with the Explorer open leaves a list of ~925 px beside the details: the message gets ~455 px, 577 with one file.
  assert.equal(messageWidth(layout, 2, 925), 455);
  assert.equal(messageWidth(layout, 1, 925), 575);
  assert.equal(messageWidth(layout, 2, 300), 0, 'never negative');
  const narrow = resized(layout, 'time', 5);
  assert.equal(narrow.columns[0].width, 32);
  assert.equal(resized(layout, 'comp', 1e6).columns[2].width, 1200);
  const hidden = sanitizeLayout({
    columns: [
      { id: 'msg', hidden: true },
      { id: 'thread', hidden: true },
      { id: '__proto__', width: 1 },
    ],
    wrap: 'yes',
  });
  assert.deepEqual(
    shownColumns(hidden, 3).map((c) => c.id),
    ['time', 'file', 'comp', 'msg'],
  );
  assert.equal(hidden.wrap, false);
});

const finding = (over: Partial<Finding>): Finding => ({
  flow: 'sync',
  title: 'Software updates synchronization',
  key: 'PS1 2014-01-20',
  status: 'complete',
  summary: 'All steps seen.',
  steps: [],
  advice: [],
  evidence: [],
  ...over,
});

test('diagnosis tree: flows worst first, instances with status icons, steps and errors open their line, files read listed', () => {
  const broken = finding({
    key: 'PS1 12:00',
    status: 'broken',
    summary: 'Synchronization failed.',
    steps: [
      {
        name: 'Sync started',
        seen: true,
        file: '/logs/WSyncMgr.log',
        line: 4,
        utc: '2014-01-20 12:00:00',
        log: 'wsyncmgr.log',
        logPresent: true,
      },
      { name: 'Sync done', seen: false, log: 'wsyncmgr.log', logPresent: true, failed: true },
      { name: 'WCM configured', seen: false, log: 'wcm.log', logPresent: false },
    ],
    error: {
      code: '0x80244021',
      name: 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY',
      message: 'Bad gateway <b>',
      heading: 'WSUS unreachable',
      file: '/logs/WSyncMgr.log',
      line: 9,
    },
    advice: ['Check the proxy'],
    nextLog: 'WCM.log',
    evidence: [{ file: '/logs/WSyncMgr.log', line: 9, text: 'Sync failed', note: 'failure' }],
  });
  const tree = diagnosisTree(
    [finding({}), finding({ status: 'unproven' as Finding['status'], flow: 'scan', title: 'Scan' }), broken],
    ['/logs/WSyncMgr.log', '/logs/WCM.log'],
  );
  assert.deepEqual(
    tree.map((n) => n.label),
    ['Software updates synchronization', 'Scan', 'Files read (2)'],
  );
  assert.equal(tree[0].description, '1 broken, 1 complete');
  assert.equal(tree[0].icon?.id, 'error');
  assert.equal(tree[1].icon?.id, 'question', 'unproven has its own icon');
  const instance = tree[0].children[0];
  assert.equal(instance.label, 'PS1 12:00', 'broken instances first');
  assert.equal(instance.expanded, true);
  const labels = instance.children.map((c) => c.label);
  assert.deepEqual(labels.slice(0, 3), ['Sync started', 'Sync done', 'WCM configured']);
  assert.deepEqual(instance.children[0].location, { file: '/logs/WSyncMgr.log', line: 4 });
  assert.deepEqual(instance.children.map((c) => c.icon?.id).slice(0, 3), ['check', 'close', 'dash']);
  const error = instance.children.find((c) => c.label.startsWith('WSUS unreachable'))!;
  assert.match(error.label, /0x80244021 WU_E_PT_HTTP_STATUS_BAD_GATEWAY/);
  assert.deepEqual(error.location, { file: '/logs/WSyncMgr.log', line: 9 });
  const evidence = instance.children.find((c) => c.label === 'Evidence')!;
  assert.deepEqual(
    evidence.children[0].location,
    { file: '/logs/WSyncMgr.log', line: 9 },
    'every evidence line is a working link',
  );
  assert.ok(instance.children.some((c) => c.label === 'Next log to open: WCM.log'));
  const steps = instance.children.find((c) => c.label === 'Steps to try')!;
  assert.equal(steps.description, 'from the seed documents');
  const microsoft = diagnosisTree(
    [{ ...broken, adviceFrom: "Microsoft's documentation of client installation" }],
    [],
  )[0].children[0].children.find((c) => c.label === 'Steps to try')!;
  assert.equal(microsoft.description, "from Microsoft's documentation of client installation");
  assert.deepEqual(
    tree[2].children.map((c: DiagnosisNode) => c.file),
    ['/logs/WSyncMgr.log', '/logs/WCM.log'],
  );
  assert.equal(statusOf({ status: 'weird' as Finding['status'] }), 'unproven');
  // The notification names the flows whose findings broke, once each (findings are instances, several per flow).
  assert.equal(brokenFlows([broken, finding({}), { ...broken, key: 'PS1 13:00' }]), 'Software updates synchronization');
  const empty = diagnosisTree([], []);
  assert.deepEqual(
    empty.map((n) => n.label),
    ['No documented flow found in these logs', 'Files read (0)'],
  );
});

test('diagnosis export: the report, then the files read (escaped)', () => {
  const md = diagnosisExport('# ConfigMgr flow diagnosis\n', ['/logs/a_b*.log'], new Date(Date.UTC(2026, 0, 2)));
  assert.match(md, /^# ConfigMgr flow diagnosis\n\n## Files read\n\n- \/logs\/a\\_b\\\*\\\.log\n/);
  assert.match(md, /Diagnosed 2026-01-02T00:00:00.000Z/);
});

test('Error Lookup page: no script, answer escaped and wrapping, only the allowed command links', () => {
  const html = lookupHtml('https://x.invalid', '0x80244021 <img src=x>', 'WU_E_PT <script>alert(1)</script>\n"quoted"');
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /default-src 'none'/);
  assert.match(html, /white-space: pre-wrap/);
  assert.deepEqual(
    [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
    ['command:cmlogs.lookupCode', 'command:cmlogs.lookup.copy'],
  );
  assert.doesNotMatch(lookupHtml('a', null, null), /lookup\.copy/, 'nothing to copy before a lookup');
});

test('editor: the CMTrace markup to dim is the opening <![LOG[ and the closing ]LOG]!><time=…>, never the message', async () => {
  const { markupRanges } = await import('../../client/src/editorRules');
  const line =
    '<![LOG[Scan failed ]LOG]!> inside]LOG]!><time="10:00:00.000+300" date="01-20-2014" component="ScanAgent" context="" type="3" thread="1" file="">';
  const ranges = markupRanges(line);
  assert.equal(ranges.length, 2);
  assert.equal(line.slice(...ranges[0]), '<![LOG[');
  assert.match(line.slice(...ranges[1]), /^\]LOG\]!><time="10:00:00\.000\+300".*file="">$/);
  assert.ok(line.slice(ranges[0][1], ranges[1][0]).includes('Scan failed ]LOG]!> inside'), 'the message stays whole');
  assert.deepEqual(markupRanges('second line of a multi-line message'), []);
  assert.deepEqual(
    markupRanges(
      'last line]LOG]!><time="10:00:00.000+300" date="01-20-2014" component="X" context="" type="1" thread="1" file="">',
    ).length,
    1,
  );
  assert.deepEqual(markupRanges('x'.repeat(100_000)), [], 'a long line without markup costs one scan');
});

test('columns in a narrow panel: the message keeps ~45%; Thread, Component give way, then Time shows the time of day, then File', async () => {
  const { fitColumns } = await import('../../media/src/layout');
  const two = shownColumns(defaultLayout(), 2);
  const ids = (w: number) => fitColumns(two, w);
  assert.deepEqual(
    ids(1200).columns.map((c) => c.id),
    ['time', 'file', 'comp', 'thread', 'msg'],
    'room enough: all',
  );
  assert.equal(ids(1200).compact, false);
  const half = ids(509);
  assert.deepEqual(
    half.columns.map((c) => c.id),
    ['time', 'file', 'msg'],
  );
  assert.equal(half.compact, true);
  assert.deepEqual(half.dropped, ['Thread', 'Component']);
  assert.equal(messageWidth({ ...defaultLayout(), columns: half.columns }, 2, 509), 289);
  const tiny = ids(300);
  assert.deepEqual(
    tiny.columns.map((c) => c.id),
    ['time', 'msg'],
  );
  assert.ok(300 - tiny.columns[0].width >= 135);
  assert.deepEqual(
    fitColumns(shownColumns(defaultLayout(), 1), 700).columns.map((c) => c.id),
    ['time', 'comp', 'thread', 'msg'],
    '700 px, one file: 350 px left for the message',
  );
});
