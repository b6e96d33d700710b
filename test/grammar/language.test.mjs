// Checks for language-configuration.json (word pattern) and for the `cmlog` language
// contribution in package.json (firstLine, filenames, filenamePatterns).
// Run: node --test test/grammar/language.test.mjs
// CMLOG_PACKAGE_JSON=<path> points the contribution checks at another package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = JSON.parse(readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
const pkgPath = process.env.CMLOG_PACKAGE_JSON || path.join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const lang = (pkg.contributes?.languages ?? []).find((l) => l.id === 'cmlog');
const noLang = lang ? false : `package.json (${pkgPath}) has no "cmlog" language contribution yet`;

// ---------------------------------------------------------------- word pattern
// Same algorithm as VS Code's getWordAtText (src/vs/editor/common/core/wordHelper.ts):
// widening windows of 15 characters before the position, last enclosing match wins.
function wordAt(text, column /* 0-based */) {
  const re = new RegExp(config.wordPattern, 'g');
  const find = (stopPos) => {
    let m;
    while ((m = re.exec(text))) {
      if (m.index <= column && re.lastIndex >= column) return m;
      if (stopPos > 0 && m.index > stopPos) return null;
    }
    return null;
  };
  let prev = -1;
  let match = null;
  for (let i = 1; ; i++) {
    const start = column - 15 * i;
    re.lastIndex = Math.max(0, start);
    const m = find(prev);
    if (!m && match) break;
    match = m;
    if (start <= 0) break;
    prev = start;
  }
  return match ? match[0] : null;
}

const line =
  'Scan failed {E0789628-CE08-4437-BE74-2495B842F43B} hr=0x80244021 (0X8024401b) for KB2461484 code -2145124318 in ScopeId_2D6EB7DC-1EB1-4BDA-B5C5-3A3F4BC7E2B9/SUM_1 at 10.0.19041, service 855E8A7C-ECB4-4CA3-B045-1DFA50104289.';

test('word pattern: a braced GUID is one word wherever the cursor is', () => {
  const guid = '{E0789628-CE08-4437-BE74-2495B842F43B}';
  const at = line.indexOf(guid);
  for (let c = at; c <= at + guid.length; c++) assert.equal(wordAt(line, c), guid, `column ${c}`);
});

test('word pattern: a bare GUID (also after "_") is one word', () => {
  let guid = '855E8A7C-ECB4-4CA3-B045-1DFA50104289';
  let at = line.indexOf(guid);
  for (let c = at; c <= at + guid.length; c++) assert.equal(wordAt(line, c), guid, `column ${c}`);
  // after "_" the cursor exactly between the two words picks the left one, as everywhere in VS Code
  guid = '2D6EB7DC-1EB1-4BDA-B5C5-3A3F4BC7E2B9';
  at = line.indexOf(guid);
  for (let c = at + 1; c <= at + guid.length; c++) assert.equal(wordAt(line, c), guid, `column ${c}`);
  assert.equal(wordAt(line, line.indexOf('ScopeId')), 'ScopeId_');
});

test('word pattern: HRESULTs, KB numbers and negative decimal HRESULTs are one word', () => {
  for (const w of ['0x80244021', '0X8024401b', 'KB2461484', '-2145124318']) {
    const at = line.indexOf(w);
    for (let c = at; c <= at + w.length; c++) assert.equal(wordAt(line, c), w, `${w} column ${c}`);
  }
});

test('word pattern: ordinary words and version numbers behave as in VS Code', () => {
  assert.equal(wordAt(line, 1), 'Scan');
  assert.equal(wordAt(line, line.indexOf('failed') + 2), 'failed');
  assert.equal(wordAt(line, line.indexOf('hr=') + 1), 'hr');
  assert.equal(wordAt(line, line.indexOf('SUM_1') + 1), 'SUM_1');
  assert.equal(wordAt(line, line.indexOf('10.0') + 1), '10.0');
});

test('word pattern never matches the empty string (VS Code would loop)', () => {
  assert.equal(new RegExp(config.wordPattern).test(''), false);
});

test('language configuration: no comment tokens, brackets only as pairs', () => {
  assert.equal(config.comments, undefined);
  for (const pair of config.brackets) assert.equal(pair.length, 2);
  assert.deepEqual(config.colorizedBracketPairs, []);
});

// ------------------------------------------------------------------ firstLine
const firstLines = {
  cmtrace:
    '<![LOG[Successfully initialized]LOG]!><time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context="" type="1" thread="3404" file="cwuahandler.cpp:123">',
  cmtraceBom:
    '\uFEFF<![LOG[CWuaHandler::SetCategoriesForStateReportingExclusion called]LOG]!><time="09:17:02.685+300" date="10-03-2013" component="WUAHandler" context="" type="1" thread="6948" file="cwuahandler.cpp:2527">',
  cmtraceMultiLine: '<![LOG[Raising event:',
  smstrace:
    'SMS_EXECUTIVE started SMS_FALLBACK_STATUS_POINT as thread ID 6156 (0x180C).  $$<SMS_FALLBACK_STATUS_POINT><12-09-2022 11:25:14.217+360><thread=4764 (0x129C)>',
  smstraceSetup:
    'INFO: Configuration Manager Setup started.  $$<Configuration Manager Setup><01-16-2014 13:53:52.608+-240><thread=3404 (0xD4C)>',
  wuClassic: '2021-08-28\t03:07:48:216\t 648\t13bc\tReport\tCWERReporter finishing event handling. (00000000)',
  wuEtlSlash: '2020/11/19 15:25:46.9997442 3304  9020  Agent           * END * Finding updates',
  wuEtlDash:
    '2024-04-11 12:48:04.6269606 1980  8444  DownloadManager PurgeContentForPatchUpdate::Deleting update content',
  wuEtlBom:
    '\uFEFF2025/01/04 14:44:39.7026250 6212  6960  Agent           Service 7971F918-A847-4430-9279-4A52D1EFE18D is in sequential scan list',
  wsus: '2014-01-16 18:53:54.231 UTC Change w3wp.58 AdminDataAccess.StartSubscriptionManually Synchronization',
  setupShort: '<02/09/14 22:53:28> =====',
  setupLong: '<Fri Dec  9 11:25:00 2022> SMSFSP Setup Started....',
  cbs: '\uFEFF2023-11-10 23:39:22, Info                  CBS    Starting TiWorker initialization.',
  dismNoComponent: '2025-04-26 05:20:57, Error                        EnumeratePackages: Failed to enumerate packages.',
  iis: '#Software: Microsoft Internet Information Services 10.0',
  clickToRun: 'Timestamp\tProcess\tTID\tArea\tCategory\tEventID\tLevel\tMessage\tCorrelation',
  burn: '[1188:16C0][2018-06-23T13:57:08]i001: Burn v3.10.3.3007, Windows v6.1',
  setupapi: '[Device Install Log]',
};
const notOurs = {
  isoLog: '2024-01-01 12:00:00 ERROR connection refused',
  isoMillis: '2024-01-01 12:00:00.123 INFO started',
  isoT: '2024-01-01T12:00:00.1234567Z 3304 9020 Agent x',
  slashNoPid: '2024/01/01 12:00:00.1234567 INFO x',
  bracketed: '[2024-01-01 12:00:00] local.INFO: x',
  syslog: 'Jan  1 12:00:00 host sshd[123]: Accepted publickey',
  apache: '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
  msi: '=== Verbose logging started: 1/17/2023  7:33:22  Build type: SHIP UNICODE 5.00.10011.00 ===',
  npm: '0 verbose cli /usr/bin/node /usr/bin/npm',
  xml: '<?xml version="1.0" encoding="utf-8"?>',
  html: '<html><body>',
  dollarsOnly: 'cost $$<5> today',
  logInText: 'see <![LOG[ in the middle',
  empty: '',
};

test('firstLine matches the first line of every supported format', { skip: noLang }, () => {
  const re = new RegExp(lang.firstLine);
  for (const [name, l] of Object.entries(firstLines)) {
    // VS Code strips a UTF-8 BOM before testing firstLine; test both ways
    assert.ok(re.test(l), `should match ${name}: ${l}`);
    assert.ok(re.test(l.replace(/^\uFEFF/, '')), `should match ${name} without BOM`);
  }
});

test('firstLine does not grab other .log files', { skip: noLang }, () => {
  const re = new RegExp(lang.firstLine);
  for (const [name, l] of Object.entries(notOurs)) assert.ok(!re.test(l), `should not match ${name}: ${l}`);
});

// ------------------------------------------------------ filenames and patterns
// VS Code compares file names and patterns case-insensitively; a pattern with a "/"
// is matched against the whole path, otherwise against the base name.
const minimatch = createRequire(createRequire(import.meta.url).resolve('vscode-tmgrammar-test/package.json'))(
  'minimatch',
);
function isCmlog(p) {
  const lower = p.toLowerCase();
  const base = path.posix.basename(lower);
  if ((lang.filenames ?? []).some((f) => f.toLowerCase() === base)) return 'filename';
  if ((lang.extensions ?? []).some((e) => base.endsWith(e.toLowerCase()))) return 'extension';
  for (const pat of lang.filenamePatterns ?? []) {
    const target = pat.includes('/') ? lower : base;
    if ((minimatch.minimatch ?? minimatch)(target, pat.toLowerCase())) return `pattern ${pat}`;
  }
  return false;
}

test('well-known ConfigMgr / Windows Update logs are recognised by name or folder', { skip: noLang }, () => {
  for (const p of [
    '/c:/Windows/CCM/Logs/ScanAgent.log',
    '/x/WUAHandler.log',
    '/x/CcmExec.log',
    '/x/ccmexec.LOG',
    '/x/UpdatesDeployment.log',
    '/x/WindowsUpdate.log',
    '/x/SoftwareDistribution.log',
    '/x/WCM.log',
    '/x/wsyncmgr.log',
    '/x/distmgr.log',
    '/x/sitecomp.lo_',
    '/x/CcmExec-20131009-083840.log',
    '/x/AppIntentEval-20131013-091925.log',
    '/x/smsts-20240101-120000.log',
    '/x/smsts.log',
    '/x/SCClient_AD@ablas_1.log',
    '/x/MP_GetPolicy.log',
    '/x/SMS_REST_PROVIDER.log',
    '/x/ccmsetup-ccmeval.log',
    '/x/ZTIGather.log',
    '/c:/Windows/CCM/Logs/SomeNewComponent.log',
    '/c:/Windows/CCM/Logs/SMSTSLog/smsts.log',
    '/d:/Program Files/Microsoft Configuration Manager/Logs/hman.log',
    '/d:/Program Files/Microsoft Configuration Manager/Logs/SomethingElse.log',
    '/c:/ProgramData/Microsoft/IntuneManagementExtension/Logs/ClientHealth.log',
    '/c:/Windows/Logs/CBS/CBS.log',
    '/c:/Windows/Logs/DISM/dism.log',
    '/c:/Windows/Panther/setupact.log',
    '/c:/$WINDOWS.~BT/Sources/Panther/setuperr.log',
    '/c:/Windows/INF/setupapi.dev.log',
    '/c:/Windows/INF/setupapi.app.log',
    '/c:/inetpub/logs/LogFiles/W3SVC1/u_ex240313.log',
    '/c:/Windows/Logs/CBS/CbsPersist_20240313101500.log',
  ])
    assert.ok(isCmlog(p), `should be cmlog: ${p}`);
});

test('unrelated .log files are left to other languages', { skip: noLang }, () => {
  for (const p of [
    '/x/npm-debug.log',
    '/x/install.log',
    '/x/app-20240101-120000.log',
    '/x/setup.log',
    '/var/log/syslog.log',
    '/x/Diagnostics.log',
    '/x/scheduler.log',
    '/x/MSI1a2b3.log',
    '/x/u_extra.log',
    '/x/setupapi.log',
  ])
    assert.equal(isCmlog(p), false, `should not be cmlog: ${p}`);
});

test('grammar contribution points at the grammar file and scope', { skip: noLang }, () => {
  const g = (pkg.contributes?.grammars ?? []).find((x) => x.language === 'cmlog');
  assert.ok(g, 'grammars entry for cmlog');
  assert.equal(g.scopeName, 'source.cmlog');
  const grammar = JSON.parse(readFileSync(path.resolve(root, g.path), 'utf8'));
  assert.equal(grammar.scopeName, 'source.cmlog');
  assert.equal(path.normalize(lang.configuration), path.normalize('./language-configuration.json'));
});
