// The grammar must stay linear on very long lines (logs can contain multi-megabyte lines).
// For each hostile line shape, tokenising a 4x longer line must take about 4x as long;
// a catastrophic (quadratic) regex would take about 16x.
// Run: node --test test/grammar/performance.test.mjs
// CMLOG_PERF_SIZE=<chars> changes the base size (default 50000; the large line is 4x).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// vscode-textmate and vscode-oniguruma come with vscode-tmgrammar-test
const req = createRequire(createRequire(import.meta.url).resolve('vscode-tmgrammar-test/package.json'));
const tm = req('vscode-textmate');
const onig = req('vscode-oniguruma');
await onig.loadWASM(readFileSync(req.resolve('vscode-oniguruma').replace(/main\.js$/, 'onig.wasm')).buffer);
const registry = new tm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (p) => new onig.OnigScanner(p),
    createOnigString: (s) => new onig.OnigString(s),
  }),
  loadGrammar: async () =>
    tm.parseRawGrammar(
      readFileSync(path.join(root, 'syntaxes/cmlog.tmLanguage.json'), 'utf8'),
      'cmlog.tmLanguage.json',
    ),
});
const grammar = await registry.loadGrammar('source.cmlog');

const fill = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const HEADER =
  ']LOG]!><time="13:53:52.608+300" date="01-16-2014" component="C" context="" type="3" thread="1" file="a.cpp:1">';
const shapes = {
  'CMTrace message full of tokens': (n) =>
    '<![LOG[' +
    fill(
      'Scan failed 0x80244021 {E0789628-CE08-4437-BE74-2495B842F43B} KB2461484 at C:\\Program Files\\Microsoft Configuration Manager\\x.log "q s" \'v\' http://a.b/c ID=1 SEV=E warning ',
      n,
    ) +
    HEADER,
  'unclosed double quote': (n) => '<![LOG["' + fill('abc def ', n) + HEADER,
  'many <![LOG[ without an end': (n) => fill('<![LOG[abc ', n),
  'many ]LOG]!>< without >': (n) => fill(']LOG]!><time="1" ', n),
  'backslash run': (n) => fill('\\', n),
  'path with many spaces': (n) => 'C:\\' + fill('a b c d e ', n),
  'path space then long word': (n) => fill('C:\\a b' + 'x'.repeat(200) + ' ', n),
  'percent signs': (n) => fill('%aaaa', n),
  apostrophes: (n) => fill("a 'b", n),
  'error word then spaces': (n) => fill('error' + ' '.repeat(100), n),
  'dotted name run': (n) => fill('a.', n),
  'Get-WindowsUpdateLog line': (n) =>
    '2020/11/19 15:25:46.9997442 3304  9020  Agent           ' + fill('*FAILED* [80244021] Method failed ', n),
  'SMS trace trailers': (n) => fill('x  $$<SMS_X><01-16-2014 13:53:52.608+300><thread=3404 (0xD4C)>', n),
};

const base = Number(process.env.CMLOG_PERF_SIZE || 50_000);
function once(line) {
  const t = performance.now();
  grammar.tokenizeLine(line, tm.INITIAL);
  return performance.now() - t;
}

/**
 * Best of 5 for each line, the two measured in turn: on a machine whose speed changes from moment to moment
 * (seen here: the same work up to 60% slower), the lines must see the same conditions.
 */
function times(small, large) {
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let i = 0; i < 5; i++) {
    bestSmall = Math.min(bestSmall, once(small));
    bestLarge = Math.min(bestLarge, once(large));
  }
  return [bestSmall, bestLarge];
}

for (const [name, make] of Object.entries(shapes)) {
  test(`linear time: ${name}`, () => {
    const [small, large] = times(make(base), make(base * 4));
    const ratio = large / Math.max(small, 1);
    // linear: about 4; quadratic: about 16
    assert.ok(
      ratio < 10,
      `${name}: ${base} chars ${small.toFixed(0)} ms, ${base * 4} chars ${large.toFixed(0)} ms (x${ratio.toFixed(1)})`,
    );
  });
}

test('records on consecutive lines leave the grammar at the top level', () => {
  const lines = [
    '<![LOG[one]LOG]!><time="1:02:03.000+000" date="1-1-2020" component="A" context="" type="3" thread="1" file="">',
    '<![LOG[two',
    'still two]LOG]!><time="1:02:03.000+000" date="1-1-2020" component="B" context="" type="1" thread="1" file="">',
    '2014-01-16 18:53:54.231 UTC Change w3wp.58 AdminDataAccess.StartSubscriptionManually x',
  ];
  let stack = tm.INITIAL;
  const depths = lines.map((l) => (stack = grammar.tokenizeLine(l, stack).ruleStack).depth);
  assert.deepEqual(depths, [1, 2, 1, 1]);
});
