// Log text is untrusted: HTML, markdown links and images, command: URIs, terminal escapes and bidi overrides in a
// log must come out inert wherever it is shown. Every renderer in RENDERERS gets every payload in HOSTILE and the
// checks of its kind. To cover a new renderer (hover, timeline webview, ...), add one line to RENDERERS.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { recordLine } from '../../server/src/cli/common';
import { ORPHAN_TEXT } from '../../server/src/core/assemble';
import { parseText } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';
import { escapeHtml, escapeMarkdown, inertForTerminal, markdownCode } from '../../server/src/core/text';

const ROOT = resolve(__dirname, '..', '..');

/** Payloads as they could appear inside a log message. */
const HOSTILE: Array<[string, string]> = [
  ['script tag', '<script>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(document.cookie)>'],
  ['svg onload', '<svg/onload=alert(1)>'],
  ['iframe javascript:', '<iframe src="javascript:alert(1)"></iframe>'],
  ['html entities', '&lt;script&gt;alert(1)&lt;/script&gt; &#60;b&#62;'],
  ['markdown command link', '[click me](command:workbench.action.terminal.new)'],
  [
    'markdown link with title',
    '[x](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%22%7D "ok")',
  ],
  ['markdown image', '![](http://evil.example/pixel.png)'],
  ['markdown reference link', '[x][1]\n\n[1]: command:workbench.action.terminal.new'],
  ['autolink', '<http://evil.example>'],
  ['autolink command', '<command:workbench.action.terminal.new>'],
  ['bare command URI', 'see command:workbench.action.terminal.new?%5B%22x%22%5D now'],
  ['bare URL', 'download from http://evil.example/payload.exe'],
  ['html comment and raw html block', '<!-- x --><div onclick="alert(1)">hi</div>'],
  ['code fence', '```\n<script>alert(1)</script>\n```'],
  ['backtick runs', '`a` ``b`` ```c``` ````'],
  ['ANSI colour (CSI)', '\x1b[31mred\x1b[0m normal'],
  ['ANSI clear screen', '\x1b[2J\x1b[H'],
  ['OSC window title (BEL)', '\x1b]0;owned\x07'],
  ['OSC 8 hyperlink', '\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\'],
  ['C1 CSI', '\u009b31mred\u009b0m'],
  ['bell and backspace', 'abc\x07\b\b\bxyz'],
  ['carriage return overwrite', 'Installation succeeded\rInstallation FAILED'],
  ['bidi override (U+202E)', 'invoice_\u202Eexe.pdf'],
  ['bidi isolates', '\u2066admin\u2069 \u2067x\u2069 \u2068y\u2069'],
  ['all of it', '<script>x</script>[a](command:x)![](http://e)<http://e>\x1b[31m\x1b]0;t\x07\u202E`'],
];

type Kind = 'html' | 'markdown' | 'markdown-code' | 'terminal';
interface Renderer {
  name: string;
  kind: Kind;
  render(text: string): string;
}

const record = (message: string, extra: Partial<LogRecord> = {}): LogRecord => ({
  file: 'C:\\Windows\\CCM\\Logs\\CAS.log',
  line: 12,
  endLine: 12,
  column: 7,
  format: 'cmtrace',
  utc: Date.UTC(2024, 2, 4, 13, 0, 0),
  local: '2024-03-04T08:00:00.000',
  biasMinutes: 300,
  component: 'ContentAccess',
  context: '',
  thread: 42,
  severity: 'error',
  rawType: '3',
  message,
  sourceFile: 'cas.cpp:1',
  ...extra,
});

/** Each renderer of log text. Add hover / timeline renderers here, one line each. */
const RENDERERS: Renderer[] = [
  { name: 'escapeHtml', kind: 'html', render: escapeHtml },
  { name: 'escapeMarkdown', kind: 'markdown', render: escapeMarkdown },
  { name: 'markdownCode', kind: 'markdown-code', render: markdownCode },
  { name: 'inertForTerminal', kind: 'terminal', render: inertForTerminal },
  { name: 'CLI recordLine (message)', kind: 'terminal', render: (t) => recordLine(record(t)) },
  { name: 'CLI recordLine (component)', kind: 'terminal', render: (t) => recordLine(record('ok', { component: t })) },
  { name: 'CLI recordLine (file name)', kind: 'terminal', render: (t) => recordLine(record('ok', { file: t })) },
  {
    name: 'CLI recordLine (message after a newline)',
    kind: 'terminal',
    render: (t) => recordLine(record('first line\n' + t, { endLine: 14 })),
  },
  // { name: 'hover', kind: 'markdown', render: (t) => hoverMarkdownOf(t) },
  // { name: 'timeline row', kind: 'html', render: (t) => timelineRowHtml(record(t)) },
];

// ---- Checks ---------------------------------------------------------------------------------------

/** Characters a terminal acts on: C0 controls except tab and newline, DEL, C1 controls, bidi controls. */
// eslint-disable-next-line no-control-regex
const TERMINAL_ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function assertTerminalInert(out: string): void {
  const m = TERMINAL_ACTIVE.exec(out);
  assert.equal(
    m,
    null,
    `control character U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index} in ${JSON.stringify(out)}`,
  );
}

function assertHtmlInert(out: string, input: string): void {
  assertNoRaw(out, ['<', '>', '"', "'"]);
  // & only as the start of the numeric entities escapeHtml writes, and decoding gives the input back.
  assert.ok(!/&(?!#\d+;)/.test(out), `raw & in ${JSON.stringify(out)}`);
  assert.equal(
    out.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(+n)),
    input,
    'HTML text decodes to the original',
  );
}

function assertNoRaw(out: string, chars: string[]): void {
  for (const c of chars) assert.ok(!out.includes(c), `raw ${JSON.stringify(c)} in ${JSON.stringify(out)}`);
}

/** Markdown: nothing a renderer could turn into a link, image, autolink, raw HTML or a command: URI. */
function assertMarkdownInert(out: string): void {
  assertTerminalInert(out);
  assertNoRaw(out, ['<', '"']);
  // Every character that starts or ends link, image, emphasis, code or HTML syntax is backslash-escaped.
  for (const c of ['[', ']', '(', ')', '!', '`', '*', '_']) {
    for (let at = out.indexOf(c); at >= 0; at = out.indexOf(c, at + 1))
      assert.equal(precedingBackslashes(out, at) % 2, 1, `unescaped ${c} at ${at} in ${JSON.stringify(out)}`);
  }
  assert.ok(!/command:/i.test(out), `live command: URI in ${JSON.stringify(out)}`);
  assert.ok(!/\b(?:https?|javascript|file):/i.test(out), `live URL scheme in ${JSON.stringify(out)}`);
  assertRendersWithoutHtml(out, (html) => html.replace(/^<p>|<\/p>\n?$/g, ''));
}

/** A code span: one fence, content without a fence-long run of backticks, one line, and inert controls. */
function assertMarkdownCodeInert(out: string): void {
  assertTerminalInert(out);
  assert.ok(!out.includes('\n'), 'one line');
  const fence = /^`+/.exec(out)![0];
  assert.ok(out.endsWith(fence) && out.length >= fence.length * 2, `fenced by ${fence}: ${JSON.stringify(out)}`);
  const inner = out.slice(fence.length, out.length - fence.length);
  assert.ok(
    !new RegExp(`(?<!\`)${fence}(?!\`)`).test(inner),
    `the fence ${fence} appears inside: ${JSON.stringify(out)}`,
  );
  assertRendersWithoutHtml(out, (html) => html.replace(/^<p><code>[\s\S]*<\/code><\/p>\n?$/, ''));
}

function precedingBackslashes(text: string, at: number): number {
  let n = 0;
  while (at - n - 1 >= 0 && text[at - n - 1] === '\\') n++;
  return n;
}

// When markdown-it is installed (it comes with @vscode/vsce), render with every option on and look for tags.
let markdownIt: { render(src: string): string } | null | undefined;
function assertRendersWithoutHtml(markdown: string, strip: (html: string) => string): void {
  if (markdownIt === undefined) {
    try {
      const MarkdownIt = require('markdown-it');
      markdownIt = new MarkdownIt({ html: true, linkify: true });
    } catch {
      markdownIt = null;
    }
  }
  if (!markdownIt) return;
  const html = markdownIt.render(markdown);
  const rest = strip(html);
  assert.ok(!/<(?!\/?(?:p|br)\b)[a-z!/]/i.test(rest), `markdown renders to HTML tags: ${JSON.stringify(html)}`);
  assert.ok(!/<[a-z][^>]*\s(?:href|src)=/i.test(html), `markdown renders a link or image: ${JSON.stringify(html)}`);
}

const CHECK: Record<Kind, (out: string, input: string) => void> = {
  html: (out, input) => assertHtmlInert(out, input),
  markdown: (out) => assertMarkdownInert(out),
  'markdown-code': (out) => assertMarkdownCodeInert(out),
  terminal: (out) => assertTerminalInert(out),
};

for (const renderer of RENDERERS) {
  describe(`hostile text through ${renderer.name}`, () => {
    for (const [name, payload] of HOSTILE) {
      test(name, () => {
        const out = renderer.render(payload);
        assert.equal(typeof out, 'string');
        CHECK[renderer.kind](out, payload);
      });
    }
  });
}

test('escapeMarkdown keeps the text readable (every escaped character comes back)', () => {
  for (const [, payload] of HOSTILE) {
    const out = escapeMarkdown(payload);
    const back = out
      .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(+n))
      .replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1');
    assert.equal(back, inertForTerminal(payload));
  }
});

// ---- The CLI end to end: hostile records in a log file, every human-readable command --------------

describe('CLI human output of a log full of hostile text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const header = (i: number, component = 'ContentAccess') =>
    `]LOG]!><time="08:00:${String(i % 60).padStart(2, '0')}.000+300" date="03-04-2024" component="${component}" context="" type="3" thread="42" file="x.cpp:1">`;
  const lines = HOSTILE.map(
    ([, payload], i) =>
      `<![LOG[${payload} error 0x80070005 {B3AD999E-861E-4BC8-8C1C-3F7027834971}${header(i, i % 3 ? 'ContentAccess' : payload.replace(/["\r\n]/g, ''))}`,
  );
  // A file name with escapes and bidi in it, too.
  const file = join(dir, 'CAS\u202Egol.\x1b[31m.log');
  writeFileSync(file, lines.join('\r\n') + '\r\n');

  test('the log parses into one record per payload (components holding ">" also leave some text outside)', () => {
    const { records } = parseText(lines.join('\r\n'));
    assert.equal(records.filter((r) => !(r.damaged ?? '').startsWith(ORPHAN_TEXT)).length, HOSTILE.length);
  });

  // Each command in its own process, through the real entry point (server/src/cli.ts), as a user runs it.
  const commands: Array<[string, string[]]> = [
    ['parse', []],
    ['timeline', []],
    ['timeline --key', ['--key', '{B3AD999E-861E-4BC8-8C1C-3F7027834971}']],
    ['stats', []],
    ['diagnose', []],
  ];
  const runs = new Map(commands.map(([name, extra]) => [name, cli([name.split(' ')[0], dir, ...extra])]));
  for (const [name] of commands) {
    test(`cmlogs ${name}`, async () => {
      const { stdout, stderr, code } = await runs.get(name)!;
      assert.equal(code, 0, stderr);
      for (const out of [stdout, stderr]) assertTerminalInert(out.replace(/\n/g, ''));
      if (name.startsWith('parse') || name.startsWith('timeline'))
        assert.ok(stdout.includes('\\x1b'), 'escapes are shown, visibly');
    });
  }
});

/** Runs the CLI from source in a child process. */
function cli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'server', 'src', 'cli.ts'), ...argv],
      { cwd: ROOT, maxBuffer: 64 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}
