// STATMSG lines from the seed document (wrapped as CMTrace shows them) parse to exact fields and decode
// to the reference texts with their insertion strings; viewer rows and prose mentions decode too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeStatmsg,
  describeStatmsg,
  findStatmsgMentions,
  findStatmsgs,
  gmtDateToIso,
  parseStatmsg,
  parseStatusViewerRow,
} from '../../server/src/core/decode/statusMessages';

const EMPTY_ISTRS = ['', '', '', '', '', '', '', '', '', ''];

// Seed 000, WSyncMgr.log excerpts (CS1 = central site).
const SEED_6701 = `STATMSG: ID=6701 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=<SERVERFQDN> SITE=CS1
PID=432 TID=3404 GMTDATE=Thu Jan 16 18:53:52.608 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6=""
ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0 SMS_WSUS_SYNC_MANAGER 1/16/2014 1:53:52 PM 3404 (0x0D4C)`;
const SEED_6704 = `STATMSG: ID=6704 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=<SERVERFQDN> SITE=CS1
PID=432 TID=3404 GMTDATE=Thu Jan 16 18:53:53.698 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6=""
ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0 SMS_WSUS_SYNC_MANAGER 1/16/2014 1:53:53 PM 3404 (0x0D4C)`;
const SEED_6705 = `STATMSG: ID=6705 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=<SERVERFQDN> SITE=CS1
PID=432 TID=3404 GMTDATE=Thu Jan 16 18:57:09.156 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6=""
ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0 SMS_WSUS_SYNC_MANAGER 1/16/2014 1:57:09 PM`;
const SEED_6702 = `STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=<SERVEFRFQDN> SITE=CS1
PID=432 TID=3404 GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6=""
ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0 SMS_WSUS_SYNC_MANAGER 1/16/2014 1:57:46 PM`;
// Seed 000, child primary site PS1.
const SEED_6706 = `STATMSG: ID=6706 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=PS1SITE.CONTOSO.COM
SITE=PS1 PID=1840 TID=2832 GMTDATE=Thu Jan 16 19:17:13.575 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5=""
ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0 SMS_WSUS_SYNC_MANAGER`;
const SEED_6702_PS1 = `STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=PS1SITE.CONTOSO.COM
SITE=PS1 PID=1840 TID=2832 GMTDATE=Thu Jan 16 19:01:35.117 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5=""
ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0      SMS_WSUS_SYNC_MANAGER      1/16/2014 2:01:35 PM      2832
(0x0B10)`;
// Seed 000, ObjReplMgr.log: the insertion string itself is wrapped, and so is the GUID attribute.
const SEED_5800_SUG = `STATMSG: ID=5800 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_OBJECT_REPLICATION_MANAGER"
SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=5404 TID=3380 GMTDATE=Thu Jan 23 20:31:38.889 2014 ISTR0="Microsoft Software
Updates - 2014-01-23 03:30:52 PM" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9=""
NUMATTRS=1 AID0=414 AVAL0="{3ACE84D4-7B2A-4D86-81AF-07E2AC255745}"          SMS_OBJECT_REPLICATION_MANAGER
1/23/2014 3:31:38 PM    3380 (0x0D34)`;
const SEED_5800_ADR = `STATMSG: ID=5800 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_OBJECT_REPLICATION_MANAGER"
SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=6176 TID=6868 GMTDATE=Thu Feb 06 20:09:17.989 2014 ISTR0="ADR_Test" ISTR1=""
ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=1 AID0=414 AVAL0="{2ba787b6-4ee9-4b33-
b0ff-8663d181c84d}" SMS_OBJECT_REPLICATION_MANAGER 2/6/2014 3:09:17 PM 6868 (0x1AD4)`;

const wsus = (id: number, system: string, site: string, pid: number, tid: number, gmtDate: string, utc: string) => ({
  id,
  severity: 'I',
  severityName: 'Informational',
  level: 'M',
  levelName: 'Milestone',
  source: 'SMS Server',
  component: 'SMS_WSUS_SYNC_MANAGER',
  system,
  site,
  pid,
  tid,
  gmtDate,
  utc,
  istrs: EMPTY_ISTRS,
  numAttrs: 0,
  attributes: [],
});

const withoutOffsets = (text: string) => {
  const { start: _start, end: _end, ...fields } = parseStatmsg(text)!;
  return fields;
};

test('6701 (seed, wrapped over three lines): every field, UTC time', () => {
  assert.deepEqual(
    withoutOffsets(SEED_6701),
    wsus(6701, '<SERVERFQDN>', 'CS1', 432, 3404, 'Thu Jan 16 18:53:52.608 2014', '2014-01-16T18:53:52.608Z'),
  );
  assert.deepEqual(
    describeStatmsg(SEED_6701)!.decoded.texts.map((t) => t.text),
    ['WSUS Synchronization started.'],
  );
});

test('6704, 6705, 6702 (seed, central site)', () => {
  assert.deepEqual(
    withoutOffsets(SEED_6704),
    wsus(6704, '<SERVERFQDN>', 'CS1', 432, 3404, 'Thu Jan 16 18:53:53.698 2014', '2014-01-16T18:53:53.698Z'),
  );
  assert.deepEqual(
    withoutOffsets(SEED_6705),
    wsus(6705, '<SERVERFQDN>', 'CS1', 432, 3404, 'Thu Jan 16 18:57:09.156 2014', '2014-01-16T18:57:09.156Z'),
  );
  assert.deepEqual(
    withoutOffsets(SEED_6702),
    wsus(6702, '<SERVEFRFQDN>', 'CS1', 432, 3404, 'Thu Jan 16 18:57:46.304 2014', '2014-01-16T18:57:46.304Z'),
  );
  assert.deepEqual(
    describeStatmsg(SEED_6704)!.decoded.texts.map((t) => t.text),
    ['WSUS Synchronization in progress. Current phase: Synchronizing WSUS Server.'],
  );
  assert.deepEqual(
    describeStatmsg(SEED_6705)!.decoded.texts.map((t) => t.text),
    ['WSUS Synchronization in progress. Current phase: Synchronizing site database.'],
  );
  assert.deepEqual(
    describeStatmsg(SEED_6702)!.decoded.texts.map((t) => t.text),
    ['WSUS Synchronization done.', 'WSUS Synchronization done (Success)'],
  );
});

test('6706 and 6702 (seed, child primary site): the CMTrace columns after NUMATTRS are not fields', () => {
  assert.deepEqual(
    withoutOffsets(SEED_6706),
    wsus(6706, 'PS1SITE.CONTOSO.COM', 'PS1', 1840, 2832, 'Thu Jan 16 19:17:13.575 2014', '2014-01-16T19:17:13.575Z'),
  );
  assert.deepEqual(
    withoutOffsets(SEED_6702_PS1),
    wsus(6702, 'PS1SITE.CONTOSO.COM', 'PS1', 1840, 2832, 'Thu Jan 16 19:01:35.117 2014', '2014-01-16T19:01:35.117Z'),
  );
  assert.deepEqual(
    describeStatmsg(SEED_6706)!.decoded.texts.map((t) => t.text),
    ['WSUS Synchronization in progress. Current phase: Synchronizing Internet facing WSUS Server.'],
  );
  const fields = parseStatmsg(SEED_6702_PS1)!;
  assert.equal(SEED_6702_PS1.slice(fields.start, fields.end).endsWith('NUMATTRS=0'), true);
});

test('5800 (seed): the wrapped insertion string and GUID attribute are joined; ISTR0 fills the assignment name', () => {
  const sug = describeStatmsg(SEED_5800_SUG)!;
  assert.deepEqual(sug.fields.istrs, [
    'Microsoft Software Updates - 2014-01-23 03:30:52 PM',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ]);
  assert.deepEqual(sug.fields.attributes, [{ id: 414, value: '{3ACE84D4-7B2A-4D86-81AF-07E2AC255745}' }]);
  assert.equal(sug.fields.numAttrs, 1);
  assert.equal(sug.fields.component, 'SMS_OBJECT_REPLICATION_MANAGER');
  assert.equal(sug.fields.utc, '2014-01-23T20:31:38.889Z');
  assert.deepEqual(
    sug.decoded.texts.map((t) => [t.text, t.filled]),
    [
      [
        'CI Assignment Manager successfully processed new CI Assignment Microsoft Software Updates - 2014-01-23 03:30:52 PM.',
        true,
      ],
    ],
  );

  const adr = describeStatmsg(SEED_5800_ADR)!;
  assert.deepEqual(
    {
      id: adr.fields.id,
      system: adr.fields.system,
      site: adr.fields.site,
      pid: adr.fields.pid,
      tid: adr.fields.tid,
      utc: adr.fields.utc,
    },
    { id: 5800, system: 'PS1SITE.CONTOSO.COM', site: 'PS1', pid: 6176, tid: 6868, utc: '2014-02-06T20:09:17.989Z' },
  );
  assert.equal(adr.fields.istrs[0], 'ADR_Test');
  assert.deepEqual(adr.fields.attributes, [{ id: 414, value: '{2ba787b6-4ee9-4b33-b0ff-8663d181c84d}' }]);
  assert.equal(adr.decoded.texts[0].text, 'CI Assignment Manager successfully processed new CI Assignment ADR_Test.');
  assert.equal(SEED_5800_ADR.slice(adr.fields.start, adr.fields.end).endsWith('8663d181c84d}"'), true);
});

test('one-line SMS trace form with the $$< trailer (seed 6702 written as the log stores it)', () => {
  const line =
    'STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=1840 TID=2832 GMTDATE=Thu Jan 16 19:01:35.117 2014 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 14:01:35.117+300><thread=2832 (0xB10)>';
  const fields = parseStatmsg(line)!;
  assert.equal(fields.id, 6702);
  assert.equal(fields.utc, '2014-01-16T19:01:35.117Z');
  assert.equal(line.slice(fields.start, fields.end), line.slice(0, line.indexOf('  $$<')));
});

test('"~" continuation markers are dropped when joining lines', () => {
  const text =
    'STATMSG: ID=6703 SEV=E LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=PS1SITE.CONTOSO.COM SITE=PS1\n~  PID=1840 TID=2832 GMTDATE=Thu Jan 16 19:01:35.117 2014 ISTR0="" NUMATTRS=0';
  const { fields, decoded } = describeStatmsg(text)!;
  assert.deepEqual([fields.id, fields.severityName, fields.pid, fields.tid], [6703, 'Error', 1840, 2832]);
  assert.deepEqual(
    decoded.texts.map((t) => t.text),
    [
      'WSUS Synchronization failed.',
      'WSUS Synchronization failed',
      'WSUS Synchronization failed. Message: %2. Source: %1.',
    ],
  );
});

test('an ID the reference lacks still gives every field', () => {
  const text =
    'STATMSG: ID=9999 SEV=I LEV=D SOURCE="SMS Server" COMP="SMS_DISTRIBUTION_MANAGER" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=1 TID=2 GMTDATE=Mon Feb 03 09:05:01.000 2014 ISTR0="PS100004" NUMATTRS=1 AID0=400 AVAL0="PS100004"';
  const { fields, decoded } = describeStatmsg(text)!;
  assert.equal(decoded.known, false);
  assert.deepEqual(decoded.texts, []);
  assert.deepEqual(
    [fields.levelName, fields.component, fields.istrs[0], fields.utc],
    ['Detail', 'SMS_DISTRIBUTION_MANAGER', 'PS100004', '2014-02-03T09:05:01.000Z'],
  );
  assert.deepEqual(fields.attributes, [{ id: 400, value: 'PS100004' }]);
});

test('%1 and %2 templates are filled from ISTR0 and ISTR1; missing ones stay visible', () => {
  const decoded = decodeStatmsg(6707, ['WSUS1.CONTOSO.COM', 'UPSTREAM.CONTOSO.COM']);
  assert.deepEqual(
    decoded.texts.map((t) => t.text),
    [
      'Content of WSUS Server WSUS1.CONTOSO.COM is out of sync with upstream server UPSTREAM.CONTOSO.COM.',
      'Content of WSUS server is out of sync with upstream server',
      'Content of WSUS Server WSUS1.CONTOSO.COM is out of sync with upstream server UPSTREAM.CONTOSO.COM. Possible cause: Server WSUS1.CONTOSO.COM synchronization is disabled. Solution: Enable upstream synchronization for server WSUS1.CONTOSO.COM or manually import data from upstream server UPSTREAM.CONTOSO.COM.',
    ],
  );
  assert.equal(decodeStatmsg(6707).texts[0].text, 'Content of WSUS Server %1 is out of sync with upstream server %2.');
  assert.equal(decodeStatmsg(6707).texts[0].filled, false);
});

test('<...> placeholders are filled only where the source ties them to an ISTR', () => {
  // 2301's source shows an example, not which ISTR holds the package name.
  assert.equal(
    decodeStatmsg(2301, ['Office', 'PS100004']).texts[0].text,
    'Distribution Manager successfully processed package <PACKAGENAME> (package ID = <PKGID>).',
  );
});

test('decoded IDs: severity and component from the reference', () => {
  const d = decodeStatmsg(6703);
  assert.deepEqual([d.known, d.severity, d.severityName, d.component], [true, 'E', 'Error', 'SMS_WSUS_SYNC_MANAGER']);
  assert.deepEqual([decodeStatmsg(10005).severityName, decodeStatmsg(10005).component], ['Warning', null]);
});

test('several STATMSGs in one text', () => {
  assert.deepEqual(
    findStatmsgs(`${SEED_6701}\n${SEED_6704}`).map((f) => f.id),
    [6701, 6704],
  );
  assert.equal(parseStatmsg('no status message here'), null);
});

test('GMTDATE forms', () => {
  assert.equal(gmtDateToIso('Thu Feb 06 20:09:17.989 2014'), '2014-02-06T20:09:17.989Z');
  assert.equal(gmtDateToIso('Thu Feb  6 20:09:17 2014'), '2014-02-06T20:09:17.000Z');
  assert.equal(gmtDateToIso('not a date'), null);
});

test('the audit message 30197 from the Status Message Viewer (seed)', () => {
  const row =
    'Information\tAudit PR1\t2/9/2014 11:57:49 PM\tPR1SITE.CONTOSO.COM Microsoft.ConfigurationManagement.exe\t30197\tUser " <b>DOMAIN\\User</b> " modified updates assignment 4 ({ <b>BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A</b> }).';
  const parsed = parseStatusViewerRow(row)!;
  assert.deepEqual(
    {
      severity: parsed.severity,
      type: parsed.type,
      site: parsed.site,
      time: parsed.time,
      system: parsed.system,
      component: parsed.component,
      id: parsed.id,
    },
    {
      severity: 'Information',
      type: 'Audit',
      site: 'PR1',
      time: '2/9/2014 11:57:49 PM',
      system: 'PR1SITE.CONTOSO.COM',
      component: 'Microsoft.ConfigurationManagement.exe',
      id: 30197,
    },
  );
  assert.equal(
    parsed.description,
    'User " DOMAIN\\User " modified updates assignment 4 ({ BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A }).',
  );
  assert.equal(
    parsed.decoded.texts[0].template,
    'User "<user>" modified updates assignment <assignment ID> ({<assignment GUID>}).',
  );
  assert.deepEqual(parsed.values, {
    '<user>': 'DOMAIN\\User',
    '<assignment ID>': '4',
    '<assignment GUID>': 'BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A',
  });
  assert.equal(
    parseStatusViewerRow('SeverityType\tSite code\tDate / Time\tSystem Component\tMessage ID\tDescription'),
    null,
  );
});

test('message IDs named in text: "Status Message ID 6701", "status message 6702", "Message ID = 30197"', () => {
  const prose =
    'When synchronization starts (either on schedule or manually), WSyncMgr creates Status Message ID 6701 to indicate that the WSUS synchronization has started.';
  const [mention] = findStatmsgMentions(prose);
  assert.equal(prose.slice(mention.start, mention.end), '6701');
  assert.equal(mention.decoded.texts[0].text, 'WSUS Synchronization started.');
  assert.deepEqual(
    findStatmsgMentions(
      '7. When synchronization has finished successfully, WSUS Synchronization Manager creates status message 6702.',
    ).map((m) => m.id),
    [6702],
  );
  assert.deepEqual(
    findStatmsgMentions('go to View -> Filter and filter for Message ID = 30197.').map((m) => m.id),
    [30197],
  );
});

test("an ISTR that holds quotes stays whole (Distribution Manager's NAL paths)", () => {
  const line =
    'STATMSG: ID=2342 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_DISTRIBUTION_MANAGER" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=2428 TID=5372 GMTDATE=Mon Feb 03 09:05:01.000 2014 ISTR0="Configuration Manager Client Package" ISTR1="["Display=\\\\DP02.contoso.com\\"]MSWNET:["SMS_SITE=PS1"]\\\\DP02.contoso.com\\" ISTR2="" NUMATTRS=2 AID0=400 AVAL0="PS100002" AID1=404 AVAL1="["Display=\\\\DP02.contoso.com\\"]MSWNET:["SMS_SITE=PS1"]\\\\DP02.contoso.com\\"';
  const { fields, decoded } = describeStatmsg(line)!;
  assert.equal(fields.istrs[0], 'Configuration Manager Client Package');
  assert.equal(fields.istrs[1], '["Display=\\\\DP02.contoso.com\\"]MSWNET:["SMS_SITE=PS1"]\\\\DP02.contoso.com\\');
  assert.equal(fields.istrs[2], '');
  assert.deepEqual(
    fields.attributes.map((a) => a.id),
    [400, 404],
  );
  assert.equal(fields.attributes[1].value, fields.istrs[1]);
  assert.equal(fields.end, line.length);
  assert.equal(decoded.module, 'server');
  assert.match(decoded.texts[0].text, /Configuration Manager Client Package/);
});

test("the spreadsheet's IDs decode with %1..%n filled; a line's module chooses between colliding IDs", () => {
  const server = decodeStatmsg(500, ['SMS_DISTRIBUTION_MANAGER'], 'server');
  assert.equal(server.module, 'server');
  assert.ok(server.texts.every((t) => t.module === 'server'));
  const all = decodeStatmsg(500);
  assert.equal(all.module, null);
  assert.deepEqual([...new Set(all.texts.map((t) => t.module))], ['server']);
  const collide = decodeStatmsg(10002);
  assert.deepEqual([...new Set(collide.texts.map((t) => t.module))], ['server', 'client']);
  assert.ok(decodeStatmsg(10002, ['Office'], 'client').texts.every((t) => t.module === 'client'));
  // A module the ID has no text for keeps every module's texts (better than nothing).
  assert.equal(decodeStatmsg(6702, [], 'client').texts[0].text, 'WSUS Synchronization done.');
});
