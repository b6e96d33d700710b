import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseText } from '../../server/src/core/parse';
import { bannerTitle, findBlocks } from '../../server/src/features/symbols';

test('banner titles', () => {
  assert.equal(
    bannerTitle('==========[ ccmsetup started in process 476 ]=========='),
    'ccmsetup started in process 476',
  );
  assert.equal(bannerTitle('***** Starting CcmExec *****'), 'Starting CcmExec');
  assert.equal(bannerTitle('- - - - - - - -'), null);
  assert.equal(bannerTitle('=================='), null);
  assert.equal(bannerTitle('==== short ===='), null);
  assert.equal(bannerTitle('='.repeat(50_000) + 'x'), null);
});

test('WindowsUpdate.log START/END blocks', () => {
  const text = [
    '2014-01-20\t12:18:09:500\t 968\t9d0\tAgent\t*************',
    '2014-01-20\t12:18:09:501\t 968\t9d0\tAgent\t** START **  Agent: Finding updates [CallerId = CcmExec]',
    '2014-01-20\t12:18:09:502\t 968\t9d0\tAgent\t*********',
    '2014-01-20\t12:18:20:000\t 968\t9d0\tAgent\t  * Found 3 updates and 71 categories in search; evaluated appl. rules of 1208 out of 2049 deployed entities',
  ].join('\n');
  const { records } = parseText(text);
  assert.ok(Array.isArray(findBlocks(records)));
  const etw = parseText(
    '2020/11/19 15:25:40.000 3304  9020  Agent           * START * Finding updates CallerId = Update;ScanForUpdates  Id = 5618\n2020/11/19 15:25:46.999 3304  9020  Agent           * END * Finding updates CallerId = Update;ScanForUpdates, Id = 5618, Exit code = 0x00000000',
  ).records;
  assert.deepEqual(findBlocks(etw), [{ name: 'START Finding updates', startLine: 1, endLine: 2 }]);
});

test('XML in a hover is fenced so that log text cannot close the fence', async () => {
  const { markdownFence } = await import('../../server/src/core/text');
  const hostile = '<a>```\n[x](command:workbench.action.terminal.new)\n````</a>\u001b[31m';
  const out = markdownFence(hostile, 'xml');
  const fence = out.split('\n', 1)[0].replace('xml', '');
  assert.ok(fence.length >= 5 && /^`+$/.test(fence));
  assert.ok(out.endsWith('\n' + fence));
  assert.equal(out.slice(fence.length + 4, -fence.length - 1).includes(fence), false); // the body never holds the fence
  assert.ok(!out.includes('\u001b'));
});
