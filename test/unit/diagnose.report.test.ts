// What the user sees of a diagnosis: the markdown report (links into the logs, log text made inert), the
// LSP diagnostics with related information in the other logs, and `cmlogs diagnose` (human and --json).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseFile, parseText } from '../../server/src/core/parse';
import { markdownCode } from '../../server/src/core/text';
import { diagnosisDiagnostics, diagnosisReport, lineLink } from '../../server/src/features/diagnose';

const SITESERVER = resolve(__dirname, '../../samples/siteserver');

async function siteServerFindings(): Promise<Finding[]> {
  const names = ['WSyncMgr.log', 'WCM.log', 'SoftwareDistribution.log'];
  return diagnose(await Promise.all(names.map((n) => parseFile(join(SITESERVER, n)))));
}

/** Runs `cmlogs diagnose` in a child process (the test runner itself reports through this stdout). */
function cmlogsDiagnose(args: string[]): { code: number; out: string } {
  const script = join(mkdtempSync(join(tmpdir(), 'cmlogs-')), 'run.ts');
  const cli = resolve(__dirname, '../../server/src/cli/diagnose.ts');
  writeFileSync(
    script,
    `import { runDiagnose } from ${JSON.stringify(cli)};\nrunDiagnose(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n`,
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
  });
  assert.equal(run.stderr, '', run.stderr);
  return { code: run.status ?? -1, out: run.stdout };
}

test("report: each step links to its log line (file:///…#L<line>), broken flows first, with the seed's steps", async () => {
  const markdown = diagnosisReport(await siteServerFindings());
  assert.match(markdown, /^# ConfigMgr flow diagnosis/);
  assert.ok(markdown.indexOf('✘ Broken') < markdown.indexOf('✔ Complete'), 'broken first');
  const link = `(${lineLink(join(SITESERVER, 'WSyncMgr.log'), 46)})`;
  assert.ok(markdown.includes(link), `link ${link}`);
  assert.match(
    lineLink(join(SITESERVER, 'WSyncMgr.log'), 46),
    /^file:\/\/\/.*\/samples\/siteserver\/WSyncMgr\.log#L46$/,
  );
  assert.ok(markdown.includes('**Steps to try** (from the seed documents):'));
  assert.ok(markdown.includes('**Next log to open:** WCM\\.log'));
});

test('report: log text cannot become a link, an image or HTML', () => {
  const hostile =
    '<![LOG[Scan failed with error = 0x80244021. [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> `tick`]LOG]!><time="12:18:53.200+300" date="01-20-2014" component="WUAHandler" context="" type="3" thread="1" file="">';
  const start =
    '<![LOG[Async searching of updates using WUAgent started.]LOG]!><time="12:18:42.690+300" date="01-20-2014" component="WUAHandler" context="" type="1" thread="1" file="">';
  const findings = diagnose([parseText(`${start}\r\n${hostile}\r\n`, '/tmp/x/WUAHandler.log')]);
  const markdown = diagnosisReport(findings);
  assert.ok(findings.some((f) => f.status === 'broken'));
  // The line appears only inside an unbreakable code span; everywhere else it would be live.
  const text = hostile.slice(7, hostile.indexOf(']LOG]!>'));
  assert.ok(markdown.includes(markdownCode(text)), 'evidence in a code span');
  const outside = markdown.split(markdownCode(text)).join('');
  assert.ok(!outside.includes('[click](command:'), 'no live command link');
  assert.ok(!outside.includes('<img'), 'no raw HTML');
});

test('report: a path with parentheses or spaces still makes one link', () => {
  assert.equal(
    lineLink('/logs/a (1)/My Logs/WUAHandler.log', 3),
    'file:///logs/a%20%281%29/My%20Logs/WUAHandler.log#L3',
  );
});

test('diagnostics: an Error on the failure line, related information in the other logs, none for complete flows', async () => {
  const findings = await siteServerFindings();
  const byFile = diagnosisDiagnostics(findings);
  assert.deepEqual([...byFile.keys()], [join(SITESERVER, 'WSyncMgr.log')]);
  const [diagnostic] = byFile.get(join(SITESERVER, 'WSyncMgr.log'))!;
  assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
  assert.equal(diagnostic.source, 'cmlogs diagnosis');
  assert.equal(diagnostic.range.start.line, 45, 'line 46, 0-based');
  assert.match(diagnostic.message as string, /WSUS server not configured/);
  assert.ok(diagnostic.relatedInformation!.some((r) => r.location.uri.endsWith('/WCM.log') && /503/.test(r.message)));
});

test('diagnostics: a recovered failure is a Warning, an incomplete flow an Information', () => {
  const wua = (message: string, time: string, type = 1) =>
    `<![LOG[${message}]LOG]!><time="${time}+300" date="01-27-2014" component="WUAHandler" context="" type="${type}" thread="1" file="">`;
  const text = [
    wua('Async searching of updates using WUAgent started.', '09:12:06.000'),
    wua('Scan failed with error = 0x80244021.', '09:12:07.000', 3),
    wua('Async searching of updates using WUAgent started.', '09:42:06.000'),
  ].join('\r\n');
  const findings = diagnose([parseText(text, '/tmp/y/WUAHandler.log')]);
  const severities = (diagnosisDiagnostics(findings).get('/tmp/y/WUAHandler.log') ?? []).map((d) => d.severity);
  assert.deepEqual(severities, [DiagnosticSeverity.Error, DiagnosticSeverity.Information]);
});

test('cmlogs diagnose --json prints one JSON array of findings with steps, error, advice and evidence', () => {
  const { code, out } = cmlogsDiagnose([SITESERVER, '--json']);
  assert.equal(code, 0);
  const findings = JSON.parse(out);
  assert.ok(Array.isArray(findings));
  const broken = findings.find((f: Finding) => f.status === 'broken');
  assert.equal(broken.flow, 'sync');
  assert.equal(typeof broken.steps[0].seen, 'boolean');
  assert.ok(broken.error.heading && broken.advice.length && broken.evidence.length && broken.nextLog);
});

test('cmlogs diagnose prints a check-list per finding, the error, the steps to try and the next log', () => {
  const { code, out } = cmlogsDiagnose([SITESERVER]);
  assert.equal(code, 0);
  assert.match(out, /^3 findings: 1 broken, 0 incomplete, 0 unproven, 2 complete/);
  assert.match(out, /BROKEN {2}Software updates synchronization/);
  assert.match(out, /✔ Status message 6701: WSUS synchronization started {2}WSyncMgr\.log:45/);
  assert.match(out, /✘ Status message 6704.*\[FAILED HERE\]/);
  assert.match(out, /Error: Sync failed: WSUS server not configured/);
  assert.match(out, /Related: WCM\.log:26 {2}System\.Net\.WebException/);
  assert.match(out, /Next log to open: WCM\.log/);
  assert.ok(!/\u001b/.test(out), 'no raw escape sequences');
});

test('cmlogs diagnose keeps terminal control characters from logs inert', () => {
  const dir = resolve(__dirname, '../../samples/client');
  const { out } = cmlogsDiagnose([join(dir, 'ServiceWindowManager.log')]);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(out.replace(/\n/g, '')));
  assert.match(out, /Service window 1E957DDD-0A26-434C-952A-586F3E31E319/);
});
