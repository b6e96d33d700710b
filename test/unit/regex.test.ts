// No regular expression in server/src/core or server/src/features backtracks catastrophically. They are found
// programmatically: regex literals by scanning each source file (after esbuild strips the types), and regexes built
// with new RegExp(...) by watching the RegExp constructor while the modules load and while a sample of every log
// format goes through the parser and decoders. Each runs against adversarial inputs (long runs of one character,
// of two-character units, of its own match, pumped real log lines, each followed by a character that makes the match
// fail) of 5 KB; anything slower than SCREEN_MS is timed again at 50 KB and must stay under LIMIT_MS (a linear
// regex needs well under a millisecond there; a quadratic one needs seconds).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { transformSync } from 'esbuild';

const ROOT = resolve(__dirname, '../..');
const DIRS = ['server/src/core', 'server/src/features'].map((d) => join(ROOT, d));
const SMALL = 5_000;
const LARGE = 50_000;
const SCREEN_MS = 2;
const LIMIT_MS = 50;

/**
 * Regexes known to be superlinear, by source. `bounded`: callers only ever give them short text, so they are
 * reported but do not fail. Otherwise the test is a TODO until the regex is fixed (then delete the entry).
 */
const KNOWN: Record<string, { why: string; fix: string; bounded?: boolean }> = {
  // Bounded by their callers: reported, not failed.
  '(\\d+)[ \\t]*\\($': {
    why: 'quadratic on digit runs, but isThreadEcho gives it at most 16 characters',
    fix: '-',
    bounded: true,
  },
  '\\$\\$<([^>]*)><([^>]*)><thread=([^>]*)>\\s*$': {
    why: 'quadratic on repeated "$$<", but smsFields applies it from the last "$$<" of the line only',
    fix: '-',
    bounded: true,
  },
  // (The unbounded ones found here were fixed: BANNER became a loop, the others got anchors or the s flag.)
};

interface Found {
  file: string;
  line: number | null;
  source: string;
  flags: string;
  origin: 'literal' | 'new RegExp';
}

// ---- Finding regexes --------------------------------------------------------------------------------

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** Regex literals in JavaScript: a small tokenizer that knows strings, templates, comments and where "/" divides. */
function regexLiterals(code: string): Array<{ body: string; flags: string; at: number }> {
  const found: Array<{ body: string; flags: string; at: number }> = [];
  const braces: Array<'block' | 'template'> = [];
  let canStartRegex = true;
  let i = 0;
  const n = code.length;
  const skipTemplate = (from: number): number => {
    // From just after ` or }, to just after the closing ` (returns -1 after pushing a ${ to resume later).
    for (let j = from; j < n; j++) {
      const c = code[j];
      if (c === '\\') j++;
      else if (c === '`') return j + 1;
      else if (c === '$' && code[j + 1] === '{') {
        braces.push('template');
        i = j + 2;
        return -1;
      }
    }
    return n;
  };
  while (i < n) {
    const c = code[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '/' && code[i + 1] === '/') {
      const e = code.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === '/' && code[i + 1] === '*') {
      const e = code.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      i = j + 1;
      canStartRegex = false;
    } else if (c === '`') {
      const e = skipTemplate(i + 1);
      if (e >= 0) {
        i = e;
        canStartRegex = false;
      } else canStartRegex = true;
    } else if (c === '{') {
      braces.push('block');
      i++;
      canStartRegex = true;
    } else if (c === '}') {
      if (braces.pop() === 'template') {
        const e = skipTemplate(i + 1);
        if (e >= 0) {
          i = e;
          canStartRegex = false;
        } else canStartRegex = true;
      } else {
        i++;
        canStartRegex = true;
      }
    } else if (c === '/') {
      if (!canStartRegex) {
        i++;
        canStartRegex = true;
        continue;
      }
      let j = i + 1;
      let inClass = false;
      for (; j < n; j++) {
        const d = code[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        else if (d === '\n') break;
      }
      if (code[j] !== '/') {
        i++;
        continue;
      }
      let k = j + 1;
      while (k < n && /[a-z]/.test(code[k])) k++;
      found.push({ body: code.slice(i + 1, j), flags: code.slice(j + 1, k), at: i });
      i = k;
      canStartRegex = false;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(code[j])) j++;
      canStartRegex = BEFORE_EXPRESSION.has(code.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(code[j])) j++;
      i = j;
      canStartRegex = false;
    } else if (c === ')' || c === ']') {
      i++;
      canStartRegex = false;
    } else {
      i++;
      canStartRegex = true;
    }
  }
  return found;
}

function lineOf(source: string, needle: string): number | null {
  const at = source.indexOf(needle);
  return at < 0 ? null : source.slice(0, at).split('\n').length;
}

function literalRegexes(): Found[] {
  const out: Found[] = [];
  for (const dir of DIRS) {
    for (const file of tsFiles(dir)) {
      const ts = readFileSync(file, 'utf8');
      const js = transformSync(ts, { loader: 'ts', target: 'esnext', format: 'esm' }).code;
      for (const { body, flags } of regexLiterals(js))
        out.push({
          file: relative(ROOT, file),
          line: lineOf(ts, `/${body}/${flags}`),
          source: body,
          flags,
          origin: 'literal',
        });
    }
  }
  return out;
}

/** Loads every module (and runs samples through them) with RegExp watched, collecting what `new RegExp` built. */
function constructedRegexes(): Found[] {
  const out: Found[] = [];
  const Original = RegExp;
  const note = (re: RegExp) => {
    // Only regexes our modules build (not those of node_modules, nor this test's own).
    const frame = (new Error().stack ?? '').split('\n').find((l) => l.includes(join(ROOT, 'server', 'src')));
    const m = frame && /\(?([^()\s]+\.ts):(\d+):\d+\)?$/.exec(frame.trim());
    if (m)
      out.push({
        file: relative(ROOT, m[1]),
        line: Number(m[2]),
        source: re.source,
        flags: re.flags,
        origin: 'new RegExp',
      });
  };
  const Watched = new Proxy(Original, {
    construct(target, args, newTarget) {
      const re = Reflect.construct(target, args, newTarget === Watched ? target : newTarget) as RegExp;
      note(re);
      return re;
    },
    apply(target, self, args) {
      const re = Reflect.apply(target, self, args) as RegExp;
      note(re);
      return re;
    },
  });
  globalThis.RegExp = Watched;
  try {
    for (const dir of DIRS) {
      for (const file of tsFiles(dir)) {
        try {
          require(file);
        } catch {
          // a module that cannot load outside the server still had its literals scanned
        }
      }
    }
    exerciseCore();
  } finally {
    globalThis.RegExp = Original;
  }
  return out;
}

/** Samples of every format through the parser and the decoders, so lazily built regexes are built too. */
function exerciseCore(): void {
  const load = (p: string) => require(join(ROOT, p));
  const { parseText } = load('server/src/core/parse');
  const text = SAMPLE_LINES.join('\r\n');
  try {
    parseText(text);
    for (const line of SAMPLE_LINES) parseText(line);
  } catch {
    // robustness is fuzz.test.ts's business; here only the regexes matter
  }
  const tryAll = (module: string, fn: string, args: unknown[][]) => {
    try {
      const f = load(module)[fn];
      if (typeof f === 'function') for (const a of args) f(...a);
    } catch {
      // an API that changed shape: its regexes were still found by the source scan
    }
  };
  const messages = SAMPLE_LINES.map((l) => [l]);
  tryAll('server/src/core/decode/findCodes', 'findCodes', messages);
  tryAll('server/src/core/decode/statusMessages', 'findStatmsgs', messages);
  tryAll('server/src/core/decode/statusMessages', 'findStatmsgMentions', messages);
  tryAll('server/src/core/decode/statusMessages', 'describeStatmsg', messages);
  tryAll('server/src/core/decode/statusMessages', 'parseStatusViewerRow', [
    [
      'Information\tMilestone CM1\t1/16/2014 1:53:53 PM\tCM1SITE.CONTOSO.COM SMS_WSUS_SYNC_MANAGER\t6701\tWSUS Synchronization started.',
    ],
  ]);
  tryAll('server/src/core/decode/stateMessageTopics', 'findStateMessages', messages);
  tryAll('server/src/core/decode/lookup', 'lookup', [['0x80070005'], ['statmsg', '6701'], ['state', '500', '2']]);
  tryAll('server/src/core/keys', 'findKeys', messages);
}

// Real shapes of every format, and messages with codes, keys, STATMSGs and XML (for pumping and for exercising).
const SAMPLE_LINES = [
  '<![LOG[Scan completed successfully, ScanJobID={2A8A0C8D-4E4D-4B4F-8C0C-5E6F7A8B9C0D}]LOG]!><time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context="" type="1" thread="3404" file="cwuahandler.cpp:2431">',
  '<![LOG[Failed to download update (505fda07-b4f3-45fb-83d9-8642554e2773), error = 0x80244022]LOG]!><time="14:00:01.000-60" date="1-6-2014" component="UpdatesHandler" context="" type="3" thread="12" file="">',
  'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="CM1"/><LocationRecords><LocationRecord WSUSURL="http://cm1sup:8530" ServerName="CM1SUP" Version="38"/></LocationRecords></Site></Sites></WSUSLocationReply>',
  'Wakeup for scheduled regular sync  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 14:25:00.123+300><thread=3404 (0xD4C)>',
  'STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=CS1SITE.CONTOSO.COM SITE=CS1 PID=432 TID=3404 GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0="" NUMATTRS=0',
  '2014-01-16\t14:02:11:505\t 992\t 3e8\tAgent\tWARNING: Failed to evaluate Installed rule, updateId = {D1C7A5D4-0000-0000-0000-000000000000}.100, hr = 80242013',
  '2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========',
  '2020/11/19 15:25:46.9997442 3304  9020  Agent           * END * Finding updates CallerId = Update;ScanForUpdates, Id = 5618, Exit code = 0x00000000',
  '2024-04-11 12:48:04.6269606 1980  8444  DownloadManager FAILED [80244022] something',
  '2014-01-16 18:53:54.231 UTC\tChange\tw3wp.58\tAdminDataAccess.StartSubscriptionManually\tSynchronization manually started',
  '2014-01-16 18:53:56.168 UTC Error WsusService.15 EventLogEventReporter.ReportEvent System.Net.WebException: The operation has timed out',
  '   at System.Net.HttpWebRequest.GetResponse()',
  '<01/16/14 13:40:12> SUPSetup: Installing WSUS',
  '<Fri Dec  9 11:25:00 2022> Done',
  'MSI (s) (E8:2C) [11:25:14:217]: Product: Configuration Manager Client -- Installation operation failed.',
  '=== Verbose logging started: 12/9/2022  11:25:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\ccmsetup\\ccmsetup.exe ===',
  'Action ended 11:25:14: InstallFinalize. Return value 3.',
  'Property(S): ProductCode = {8864FB91-94EE-4F16-A144-0D82A232049D}',
  "System task 'PolicyEvaluator_Unlock' returned error code 0x8000ffff.",
  'OnSearchComplete - Failed to end search job. Error = 0x80244022.',
  'Failed to signin bgb client with error = 80004005.',
  'hr=0x87d00664, HRESULT = "0x87D00280", Exit code: 3010, exit code = -2016410012, win32 code 5, GetLastError() = 1603',
  'Error 1306. Another application has exclusive access to the file',
  'Length of error=2, soap client error = 7, Flags: 0x80000000, Size = 2147942405 bytes',
  'Update (Missing): Security Update for Windows 7 for x64-based Systems (KB2862152) (505fda07-b4f3-45fb-83d9-8642554e2773, 200)',
  'Submitted CTM job {0FB5D4CF-013A-449C-86DB-AB1C80DBFF51} to download Content Content_b2475630-fcec-493a-93c0-084fb7faf172.1 under context System',
  'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute- Adding UpdateSource={C2D17964-BBDD-4339-B9F3-12D7205B39CC}, ContentType=2, ContentLocation=http://PS1SITE.CONTOSO.COM:8530, ContentVersion=38',
  'State message(State ID : 2) with TopicType 500 and TopicId 505fda07-b4f3-45fb-83d9-8642554e2773 has been recorded for SYSTEM',
  'Status Message ID 6701, status message 6702, Message ID = 30197',
  'Raising event:\ninstance of CCM_PolicyAgent_AssignmentsReceived\n{\n\tClientID = "GUID:E3870B32-AED3-43EC-BF35-F4C55EEEEB4B";\n};',
  'User "CONTOSO\\admin" created authorization list "CM100001" (CI_UniqueID=ScopeId_1/AuthList_2, CIVersion=1).',
  'The Service Window=36da6950-3d1e-4027-be0e-7b16a4daee7e has ended at 10/12/2013 12:00:00 AM',
  'C:\\Windows\\CCM\\Logs\\CcmExec-20131009-083840.log',
  // Messages on their own (what features match against record.message)
  '* START * Finding updates CallerId = Update;ScanForUpdates  Id = 241 (cV = 9zuBsQlTKUmNxp11.1.0.1.0.0.12.1)',
  '* END * Finding updates CallerId = Update;ScanForUpdates, Id = 5618, Exit code = 0x00000000',
  '==========[ ccmsetup started in process 476 ]==========',
  '***** Starting Software Updates *****',
  'Download location found 0 - http://CM1DP01.contoso.com/SMS_DP_SMSPKG$/Content_b2475630-fcec-493a-93c0-084fb7faf172.1, see C:\\Windows\\CCM\\Logs\\CAS.log.',
  'time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context="" type="1" thread="3404" file="cwuahandler.cpp:2431"',
  '<?xml version="1.0"?><Report><ReportHeader><Identification><Machine><ClientID>GUID:A1006D0E-CF56-41D1-A006-6330EFC39381</ClientID></Machine></Identification></ReportHeader></Report>',
];

// ---- Attacks --------------------------------------------------------------------------------------

const UNITS = [
  'a',
  'A',
  'z',
  '0',
  '9',
  'f',
  ' ',
  '\t',
  '-',
  '_',
  '.',
  ':',
  ',',
  ';',
  '=',
  '"',
  "'",
  '<',
  '>',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '\\',
  '/',
  '$',
  '#',
  '%',
  '*',
  '+',
  'é',
  '\u2028',
  'a ',
  'a=',
  '0:',
  'a-',
  '0.',
  'ab',
  'a\t',
  '=a',
  ' =',
  'a:',
  '0-',
  '{0',
  'x"',
  'a,',
  'error ',
  'hr ',
  'hr=',
  'KB1',
  'Content_',
  'GUID:',
  'ScanJob',
  '<![LOG[',
  ']LOG]!><',
  '$$<',
  'STATMSG: ',
  '0x',
  'ID=',
  'update ',
  'job ',
  '00000000-',
];
const SUFFIXES = ['', '!', '\u2028', '\n', '"', 'x'];

type Attack = [name: string, make: (size: number) => string];

/** Adversarial inputs for `re`, each buildable at any size. */
function attacks(re: RegExp): Attack[] {
  const out: Attack[] = [];
  for (const unit of UNITS) {
    for (const s of SUFFIXES)
      out.push([
        `${JSON.stringify(unit)} repeated + ${JSON.stringify(s)}`,
        (size) => unit.repeat(Math.ceil(size / unit.length)) + s,
      ]);
  }
  // Its own structure: real lines it matches, repeated, or with one character of the match pumped.
  let used = 0;
  const probe = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  for (const sample of SAMPLE_LINES) {
    if (used >= 3) break;
    const m = probe.exec(sample);
    if (!m || !m[0].length) continue;
    used++;
    const match = m[0];
    out.push([
      `its match ${JSON.stringify(match.slice(0, 30))} repeated`,
      (size) => match.repeat(Math.ceil(size / match.length)) + '\u2028',
    ]);
    if (match.length > 1)
      out.push([
        `its match ${JSON.stringify(match.slice(0, 30))} minus the last character, repeated`,
        (size) => match.slice(0, -1).repeat(Math.ceil(size / (match.length - 1))) + '!',
      ]);
    const positions = new Set<number>();
    for (let k = 0; k < 8; k++) positions.add(m.index + Math.floor((k * match.length) / 8));
    for (const p of positions) {
      for (const s of ['', '\u2028', '!', '\n'])
        out.push([
          `${JSON.stringify(sample.slice(0, 40))}… with ${JSON.stringify(sample[p])} at ${p} pumped + ${JSON.stringify(s)}`,
          (size) => sample.slice(0, p) + sample[p].repeat(size) + sample.slice(p + 1) + s,
        ]);
    }
  }
  return out;
}

function timeOnce(re: RegExp, input: string): number {
  const r = new RegExp(re.source, re.flags);
  const t0 = performance.now();
  if (r.global) input.replace(r, '');
  else r.exec(input);
  return performance.now() - t0;
}

interface Slow {
  attack: string;
  size: number;
  ms: number;
}

/**
 * The first attack that is too slow, if any. Each attack climbs a ladder of sizes and stops as soon as one is over
 * LIMIT_MS, so an exponential or cubic regex is caught at a few hundred characters instead of hanging the test;
 * an attack still over SCREEN_MS at SMALL climbs on to LARGE.
 */
function worstAttack(re: RegExp): Slow | null {
  // Over the limit by less than 3x: the best of three (a GC pause or a busy machine is not backtracking).
  const measure = (input: string) => {
    const first = timeOnce(re, input);
    return first > LIMIT_MS && first < 3 * LIMIT_MS ? Math.min(first, timeOnce(re, input), timeOnce(re, input)) : first;
  };
  for (const [name, make] of attacks(re)) {
    for (const size of [16, 24, 32, 100, 500, 2000, SMALL, 3 * SMALL, LARGE]) {
      const ms = measure(make(size));
      if (ms > LIMIT_MS) return { attack: name, size, ms };
      if (size >= SMALL && ms < SCREEN_MS) break;
      if (size < SMALL && size >= 2000 && ms < SCREEN_MS / 10) break; // clearly linear: no need to go on
    }
  }
  return null;
}

// ---- Tests ----------------------------------------------------------------------------------------

const found = [...literalRegexes(), ...constructedRegexes()];
const unique = new Map<string, Found>();
for (const f of found) {
  const key = `/${f.source}/${f.flags}`;
  if (!unique.has(key)) unique.set(key, f);
}

test('the scan finds the regexes of every module (literals and new RegExp)', () => {
  assert.ok(found.filter((f) => f.origin === 'literal').length > 100, `only ${found.length} literals found`);
  assert.ok(
    found.some((f) => f.origin === 'new RegExp'),
    'no constructed regex seen',
  );
  // Every literal the scanner extracted compiles (a mis-tokenised division would not).
  for (const f of found)
    assert.doesNotThrow(() => new RegExp(f.source, f.flags), `${f.file}:${f.line} /${f.source}/${f.flags}`);
  // Spot checks that known regexes are among them.
  const sources = new Set(found.map((f) => f.source));
  assert.ok(
    [...sources].some((s) => s.includes('thread=')),
    'the SMS trailer (formats/sms.ts)',
  );
  assert.ok(
    found.some((f) => f.file.endsWith(join('formats', 'prefixed.ts'))),
    'the timestamp-first formats (formats/prefixed.ts)',
  );
});

const byFile = new Map<string, Found[]>();
for (const f of unique.values()) {
  if (KNOWN[f.source]) continue;
  const list = byFile.get(f.file) ?? [];
  list.push(f);
  byFile.set(f.file, list);
}

describe('no catastrophic backtracking', () => {
  for (const [file, regexes] of [...byFile].sort()) {
    test(`${file}: ${regexes.length} regexes, ${LARGE / 1000} KB adversarial input under ${LIMIT_MS} ms`, () => {
      const slow: string[] = [];
      for (const f of regexes) {
        const worst = worstAttack(new RegExp(f.source, f.flags));
        if (worst)
          slow.push(
            `${f.file}:${f.line ?? '?'} /${f.source}/${f.flags} (${f.origin}): ${worst.attack}: ${worst.ms.toFixed(0)} ms at ${worst.size} characters`,
          );
      }
      assert.deepEqual(slow, []);
    });
  }
  for (const [source, known] of Object.entries(KNOWN)) {
    const f = [...unique.values()].find((u) => u.source === source);
    const where = f ? `${f.file}:${f.line ?? '?'}` : 'no longer in the code';
    test(`known: ${where} /${source}/ — ${known.why}`, known.bounded ? {} : { todo: `fix: ${known.fix}` }, () => {
      if (!f || known.bounded) return; // bounded: reported, not measured (callers bound the input)
      const worst = worstAttack(new RegExp(f.source, f.flags));
      assert.equal(worst, null, worst ? `${worst.attack}: ${worst.ms.toFixed(0)} ms at ${worst.size} characters` : '');
    });
  }
});

test('statmsg matchTemplate: templates with the most placeholders against long text that fails at the end', () => {
  const statmsg = require(join(ROOT, 'server/src/core/decode/statusMessages'));
  const data = require(join(ROOT, 'server/src/core/decode/data'));
  const templates: string[] = [];
  for (const id of Object.keys(data.statusMessageData().messages ?? {}))
    for (const t of statmsg.decodeStatmsg(Number(id)).texts) templates.push(t.template);
  const holes = (t: string) => (t.match(/<[^<>]+>|%\d/g) ?? []).length;
  templates.sort((a, b) => holes(b) - holes(a));
  for (const template of templates.slice(0, 5)) {
    const parts = template.split(/<[^<>]+>|%\d/);
    const text = parts.map((p, i) => (i === parts.length - 1 ? p + ' x' : p + 'a '.repeat(2500))).join('');
    const t0 = performance.now();
    statmsg.matchTemplate(template, text);
    const ms = performance.now() - t0;
    assert.ok(
      ms < LIMIT_MS * 4,
      `${ms.toFixed(0)} ms for ${JSON.stringify(template)} against ${text.length} characters`,
    );
  }
});
