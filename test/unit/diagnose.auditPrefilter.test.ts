// The SMS Provider audit lines are looked for only in messages whose bytes may hold one (assignmentReplication.ts
// mayAudit), and a log is indexed for an assignment's GUID only when one of its messages may: the prefilter must never
// rule out a line the AUDIT expressions match, and the byte search over a whole buffer (AuditFinder) must say what
// mayAudit says of each message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT, AuditFinder, mayAudit } from '../../server/src/core/diagnose/assignmentReplication';
import { diagnose } from '../../server/src/core/diagnose/index';
import { parseText } from '../../server/src/core/parse';

/** Audit lines as logs and the Status Message Viewer write them (seed wording), in other cases and spacings. */
const AUDIT_LINES = [
  'STATMSG: ID=30196 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_PROVIDER" SYS=SITE1 SITE=PS1 PID=1 TID=2 GMTDATE=Mon Jan 01 00:00:00.000 2024 ISTR0="CONTOSO\\admin" ISTR1="16777220" ISTR2="" NUMATTRS=0',
  'statmsg: id=30197 ISTR0="CONTOSO\\admin" ISTR1="16777221"',
  'STATMSG: ID=30198 x ISTR0="u" ISTR1="1"',
  '30197 User "CONTOSO\\admin" modified updates assignment 16777220 (Patch Tuesday).',
  'User "CONTOSO\\admin" created updates assignment 16777222',
  'USER " CONTOSO\\Admin " DELETED UPDATES ASSIGNMENT 5',
];

/** Lines that hold "3019" (in a GUID, a number) or quotes, and are no audit line. */
const OTHER_LINES = [
  'CCM_UpdateSource.UniqueID="{3019a0b2-1c2d-4e5f-8a9b-0c1d2e3f4a5b}"',
  'Raised assignment (3019) "state" message',
  'STATMSG: ID=5800 ISTR0="x" value 3019',
  'Updates "x" assignment',
];

test('audit prefilter: every audit line passes it, lines that only hold "3019" do not', () => {
  for (const line of AUDIT_LINES) {
    assert.ok(
      AUDIT.some((p) => p.test(line)),
      `an audit line: ${line}`,
    );
    assert.ok(mayAudit(Buffer.from(line)), line);
  }
  for (const line of OTHER_LINES) {
    assert.ok(!AUDIT.some((p) => p.test(line)), line);
    assert.ok(!mayAudit(Buffer.from(line)), line);
  }
});

test('audit prefilter: the byte search says what mayAudit says, and never rules out a match', () => {
  const pieces = [
    'User "',
    '" modified ',
    'updates assignment',
    'UPDATES  ASSIGNMENT',
    'Updates Assignment',
    'updates assignmen',
    ' 16777220',
    ' a',
    ' A',
    '3019',
    '30196',
    '301',
    'STATMSG: ID=',
    'statmsg: Id=',
    'STATMSG:ID=',
    ' ISTR0="u" ISTR1="1"',
    'x',
    ' ',
    '"',
    'é',
  ];
  let seed = 7;
  // mulberry32: the same messages on every run
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const messages: string[] = [...AUDIT_LINES, ...OTHER_LINES];
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let k = random(8); k > 0; k--) text += pieces[random(pieces.length)];
    messages.push(text);
  }
  // All in one buffer, read in order, as a window of the file gives them.
  const buffer = Buffer.from(messages.join('\n'));
  const finder = new AuditFinder(buffer);
  let start = 0;
  let positives = 0;
  let audits = 0;
  for (const message of messages) {
    const end = start + Buffer.byteLength(message);
    const expected = mayAudit(buffer.subarray(start, end));
    assert.equal(finder.mayAudit(start, end), expected, JSON.stringify(message));
    if (AUDIT.some((p) => p.test(message))) {
      audits++;
      assert.ok(expected, `ruled out an audit line: ${JSON.stringify(message)}`);
    }
    if (expected) positives++;
    start = end + 1;
  }
  assert.ok(positives > 2000 && positives < 18000, `${positives} of ${messages.length}`);
  assert.ok(audits > 20, `${audits} audit lines`);
});

function cmtraceLog(path: string, component: string, messages: string[]) {
  const text = messages
    .map(
      (m, i) =>
        `<![LOG[${m}]LOG]!><time="13:${String(10 + i).padStart(2, '0')}:00.000+000" date="03-12-2024" component="${component}" context="" type="1" thread="1" file="x.cpp:1">`,
    )
    .join('\r\n');
  return parseText(text + '\r\n', path);
}

test('audit: found in whichever log holds it, for its own assignment only, beside logs whose "3019" is in GUIDs', () => {
  const mine = 'BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A';
  const other = '0D3C5E6F-1111-4A2B-8C3D-4E5F60718293';
  const logs = [
    cmtraceLog('/pc/UpdatesDeployment.log', 'UpdatesDeploymentAgent', [`Assignment {${mine}} has total CI = 1`]),
    // A client log the flows do not read, whose GUIDs hold "3019", with one audit line about each assignment.
    cmtraceLog('/pc/CcmExec.log', 'CcmExec', [
      `Raised "event" for {3019a0b2-1c2d-4e5f-8a9b-0c1d2e3f3019}`,
      `30198 User "CONTOSO\\other" deleted updates assignment 7 ({${other}}).`,
      `30197 User "CONTOSO\\admin" modified updates assignment 4 ({${mine}}).`,
      `State "x" of {${mine}} is 3019`,
    ]),
  ];
  const f = diagnose(logs).find((x) => x.flow === 'deployment')!;
  const audits = f.evidence.filter((e) => e.note?.startsWith('audit'));
  assert.deepEqual(
    audits.map((a) => [a.file, a.line, a.text]),
    [['/pc/CcmExec.log', 3, '30197: User "CONTOSO\\admin" modified updates assignment 4']],
  );
});
