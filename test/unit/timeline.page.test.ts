// The timeline's page with its script and style written into it (#20: the first rows no longer wait for the page to
// fetch them): the Content-Security-Policy stays nonce-only for scripts, and text that would end the element early
// makes the page fetch them by URL instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inlinable, timelineCsp, timelineHtml } from '../../client/src/timelineProtocol';

const MEDIA = join(__dirname, '..', '..', 'media');
const SRC = 'https://file+.vscode-resource.vscode-cdn.net';
const page = (script: string, style: string, nonce = 'abc+/123=') =>
  timelineHtml({
    cspSource: SRC,
    nonce,
    scriptUri: 'https://x.invalid/media/timeline.js',
    styleUri: 'https://x.invalid/media/timeline.css',
    inline: { script, style },
  });
const cspOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];

test('inline page: the script and style under the nonce, nothing fetched, scripts still nonce-only', () => {
  const html = page('console.log(1 < 2 && "a");', '#app { color: red; }');
  assert.equal(
    cspOf(html),
    `default-src 'none'; script-src 'nonce-abc+/123='; style-src ${SRC} 'nonce-abc+/123='; img-src ${SRC} data:`,
  );
  assert.equal(cspOf(html), timelineCsp(SRC, 'abc+/123=', true));
  assert.doesNotMatch(cspOf(html)!, /unsafe/);
  assert.deepEqual(html.match(/<script\b[^>]*>/g), ['<script nonce="abc+/123=">']);
  assert.ok(html.includes('<script nonce="abc+/123=">console.log(1 < 2 && "a");</script>'));
  assert.ok(html.includes('<style nonce="abc+/123=">#app { color: red; }</style>'));
  assert.doesNotMatch(html, /<link\b|\ssrc=|x\.invalid/, 'nothing is fetched');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no style attributes');
});

test('inline page: a script or style that would end its element early is fetched by URL instead', () => {
  for (const [script, style] of [
    ['const s = "</script><script>alert(1)</script>";', ''],
    ['const s = "</SCRIPT >";', ''],
    ['const s = "<!-- <script>";', ''],
    ['', 'a::after { content: "</style><script>alert(1)</script>"; }'],
  ]) {
    assert.equal(inlinable({ script, style }), false, script || style);
    const html = page(script, style);
    assert.deepEqual(html.match(/<script\b[^>]*>/g), [
      '<script nonce="abc+/123=" src="https://x.invalid/media/timeline.js">',
    ]);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\.invalid\/media\/timeline\.css">/);
    assert.doesNotMatch(html, /alert\(1\)/);
    assert.equal(cspOf(html), timelineCsp(SRC, 'abc+/123='), 'no nonce for styles when none is inline');
  }
});

test('inline page: the nonce is attribute-escaped', () => {
  const html = page('1', '2', 'n"><script>alert(1)</script>');
  assert.doesNotMatch(html, /<script>alert/);
});

test('the bundle and style that ship can be written into the page', () => {
  const script = readFileSync(join(MEDIA, 'out', 'timeline.js'), 'utf8');
  const style = readFileSync(join(MEDIA, 'timeline.css'), 'utf8');
  assert.ok(inlinable({ script, style }), 'the built bundle holds no </script, <!-- or </style');
});
