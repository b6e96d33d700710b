// CI assignment (deployment) replication on the site server (seed 000 "Deployment Creation" / "Software
// Update Deployment Creation": SMSDBMON drops a .CIA file in objmgr.box, Object Replication Manager processes
// the Update Group Assignment, creates and targets its policy, raises status message 5800 and reports
// "Successfully processed Update Group Assignment"; 5802 when it removes one), and the SMS Provider's audit
// messages (30196 created / 30197 modified / 30198 deleted updates assignment, seed "How to review the audit
// status messages to find if a deployment was modified") shown as context in every finding about that assignment.
import { G, re, rei, type FlowRule } from './rules';
import { NextMatch } from '../read/bytes';
import { guidsIn } from './guidIndex';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import type { Finding } from './findings';

const OBJREPLMGR = { logs: ['objreplmgr.log', 'ObjMgr.log'], components: ['SMS_OBJECT_REPLICATION_MANAGER'] };
const SMSDBMON = { logs: ['smsdbmon.log'], components: ['SMS_DATABASE_NOTIFICATION_MONITOR'] };

const REPLICATION_ADVICE = [
  'Review smsdbmon.log for the .CIA file dropped in objmgr.box when the deployment was created or changed, and ObjReplMgr.log for the processing of that Update Group Assignment.',
  'If the policy was not created, review policypv.log (Policy Provider) for the policy targeting of the assignment, and check the status messages of SMS_OBJECT_REPLICATION_MANAGER (5800 processed / 5802 removed).',
];

export const assignmentReplicationFlow: FlowRule = {
  id: 'assignmentReplication',
  title: 'Deployment (CI assignment) replication on the site server (Object Replication Manager)',
  anchors: [
    {
      ...OBJREPLMGR,
      key: 'assignment',
      start: [
        re`Processing Update Group Assignment (?<assignment>${G})`,
        re`CI Assignment (?<assignment>${G})`,
        re`STATMSG: ID=580[02]\b[^\n]*?AVAL0="(?<assignment>${G})"`,
      ],
    },
  ],
  steps: [
    {
      name: 'SMS Database Notification Monitor drops the .CIA file in objmgr.box',
      ...SMSDBMON,
      link: 'time',
      optional: true,
      lookbackMs: 10 * 60_000,
      withinMs: 10 * 60_000,
      patterns: [rei`SND: Dropped [^\n]*objmgr\.box\\(?<file>\d+\.CIA)`],
      detail: (m) => m.groups?.file,
      nextLog: 'smsdbmon.log (site server)',
    },
    {
      name: 'Object Replication Manager processes the Update Group Assignment',
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`Processing Update Group Assignment`],
      nextLog: 'ObjReplMgr.log (site server)',
    },
    {
      name: "The assignment's targeted CIs are read",
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [re`CI Assignment ${G} has (?<count>\d+) Targeted CI`],
      detail: (m) => `${m.groups?.count} targeted CI(s)`,
    },
    {
      name: 'Policy created for the CI Assignment',
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [re`Successfully created policy for CI Assignment`],
    },
    {
      name: 'Policy targeting updated for the CI Assignment',
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [re`Successfully updated Policy Targeting for CI Assignment`],
    },
    {
      name: 'Status message 5800 (processed) or 5802 (removed), Update Group Assignment processed',
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      patterns: [
        re`STATMSG: ID=(?<statmsg>580[02])\b[^\n]*?(?:ISTR0="(?<name>[^"]*)")?`,
        re`Successfully processed Update Group Assignment`,
        re`Successfully (?:removed|deleted) (?:policy for )?(?:CI|Update Group) Assignment`,
      ],
      detail: (m) =>
        m.groups?.statmsg === '5802'
          ? `5802: assignment removed${m.groups.name ? ` (${m.groups.name})` : ''}`
          : m.groups?.statmsg
            ? `5800: processed${m.groups.name ? ` (${m.groups.name})` : ''}`
            : undefined,
      advice: REPLICATION_ADVICE,
      timeoutMs: 60 * 60_000,
    },
  ],
  failures: [
    {
      ...OBJREPLMGR,
      link: 'key',
      keys: ['assignment'],
      pattern: rei`Failed to (?:create|update|process|delete|remove)[^\n]{0,80}?(?:CI|Update Group) Assignment[^\n]*?(?<code>0x[0-9A-Fa-f]{8})?`,
      heading: 'Object Replication Manager failed to process the deployment (CI assignment)',
      advice: REPLICATION_ADVICE,
      nextLog: 'policypv.log (site server)',
    },
  ],
  maxDurationMs: 2 * 3600_000,
};

// ---------------------------------------------------------------------------------------------------
// SMS Provider audit: who created, modified or deleted the deployment

/** The status message as a log writes it, or as the Status Message Viewer shows it (the seed's example). */
export const AUDIT = [
  rei`STATMSG: ID=(?<id>3019[678])\b[^\n]*?ISTR0="(?<user>[^"]*)"[^\n]*?ISTR1="(?<number>[^"]*)"`,
  rei`(?<id>3019[678])\s+User "\s*(?<user>[^"]+?)\s*" (?<action>created|modified|deleted) updates assignment (?<number>\d+)`,
  rei`User "\s*(?<user>[^"]+?)\s*" (?<action>created|modified|deleted) updates assignment (?<number>\d+)`,
];
const ACTION: Record<string, string> = { '30196': 'created', '30197': 'modified', '30198': 'deleted' };

const ID_3019 = Buffer.from('3019');
const STATMSG_ID = Buffer.from('statmsg: id=');
const UPDATES_ASSIGNMENT = Buffer.from('updates assignment');

/**
 * Whether a message can match AUDIT, from its bytes: the first pattern holds "STATMSG: ID=3019", the others
 * "updates assignment" (any case; a case-insensitive expression without the u flag matches ASCII letters only with
 * ASCII letters). An assignment's GUID is in thousands of lines, and making each a string to try three expressions
 * cost half a second. "3019" alone was not enough: it is in one GUID of some two thousand, so nearly every log "might
 * audit", and each such log had its GUIDs indexed for the audit alone (CcmExec.log, AppEnforce.log on the bench corpus).
 */
export function mayAudit(bytes: Uint8Array | null): boolean {
  if (!bytes) return true; // no longer in its file: let the text say so
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = view.indexOf(ID_3019); at >= 0; at = view.indexOf(ID_3019, at + 1))
    if (at >= STATMSG_ID.length && caselessAt(view, at - STATMSG_ID.length, STATMSG_ID)) return true;
  return containsCaseless(view, UPDATES_ASSIGNMENT);
}

/** `lower` (ASCII lower case) in `bytes`, ASCII letters compared in any case. */
function containsCaseless(bytes: Uint8Array, lower: Uint8Array): boolean {
  for (let i = 0; i + lower.length <= bytes.length; i++) if (caselessAt(bytes, i, lower)) return true;
  return false;
}

/** `lower` (ASCII lower case) at bytes[at], ASCII letters compared in any case. */
function caselessAt(bytes: Uint8Array, at: number, lower: Uint8Array): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = bytes[at + k];
    if ((c >= 65 && c <= 90 ? c | 32 : c) !== lower[k]) return false;
  }
  return true;
}

/**
 * mayAudit for the messages of one buffer, read in order: "3019" and the blank before "assignment" (" a" or " A",
 * seven bytes into "updates assignment") are found by native searches kept while ahead, and the words around them
 * are compared only there, instead of at every byte of every message with a double quote (most of a client's lines
 * have one).
 */
export class AuditFinder {
  private readonly ids: NextMatch;
  private readonly blanks: NextMatch[];

  constructor(private readonly bytes: Buffer) {
    this.ids = new NextMatch(bytes, ID_3019);
    this.blanks = [new NextMatch(bytes, BLANK_A), new NextMatch(bytes, BLANK_UPPER_A)];
  }

  /** mayAudit(bytes[start, end)). */
  mayAudit(start: number, end: number): boolean {
    const lastId = end - ID_3019.length;
    for (let at = this.ids.from(start + STATMSG_ID.length); at <= lastId; at = this.ids.from(at + 1))
      if (caselessAt(this.bytes, at - STATMSG_ID.length, STATMSG_ID)) return true;
    const last = end - UPDATES_ASSIGNMENT.length;
    for (const blanks of this.blanks) {
      for (
        let at = blanks.from(start + BLANK_AT) - BLANK_AT;
        at <= last;
        at = blanks.from(at + BLANK_AT + 1) - BLANK_AT
      )
        if (caselessAt(this.bytes, at, UPDATES_ASSIGNMENT)) return true;
    }
    return false;
  }
}

const BLANK_A = Buffer.from(' a');
const BLANK_UPPER_A = Buffer.from(' A');
const BLANK_AT = UPDATES_ASSIGNMENT.indexOf(BLANK_A);

const QUOTE = 34;
const GUID_LENGTH = 36;
const CR = 13;
const auditableOf = new WeakMap<Source, Int32Array>();

/**
 * The records of the source whose message may be an audit line (every AUDIT pattern has a double quote, then
 * mayAudit), ascending, found in one pass over the log: read record by record where an assignment's GUID is, the
 * same file windows were read again for every assignment.
 */
function auditableRecords(source: Source): Int32Array {
  let records = auditableOf.get(source);
  if (records) return records;
  const table = source.records;
  const found: number[] = [];
  let buffer: Buffer | null = null;
  let quotes: NextMatch | null = null;
  let crs: NextMatch | null = null;
  let finder: AuditFinder | null = null;
  table.scanMessages(0, (bytes, start, end, index) => {
    if (bytes !== buffer) {
      quotes = new NextMatch((buffer = bytes), QUOTE);
      crs = new NextMatch(bytes, CR);
      finder = new AuditFinder(bytes);
    }
    if (quotes!.from(start) >= end) return;
    // A message with a CR: its text is what RecordTable.message gives (a multi-line one without its CRs).
    const may = crs!.from(start) < end ? mayAudit(table.messageBytes(index)) : finder!.mayAudit(start, end);
    if (may) found.push(index);
  });
  auditableOf.set(source, (records = Int32Array.from(found)));
  return records;
}

const guidsOfRecord = new WeakMap<Source, Map<number, Set<string>>>();

/**
 * The GUIDs (lower-case) of a record's message as the GUID index finds them (guidIndex.ts guidsIn over the bytes
 * RecordTable.messageBytes gives): the few lines that may audit are asked here, instead of the index reading every
 * log that holds one for the assignment's GUID (CcmExec.log, StateMessage.log... read for the audit alone).
 */
function guidsOf(source: Source, index: number): Set<string> {
  let bySource = guidsOfRecord.get(source);
  if (!bySource) guidsOfRecord.set(source, (bySource = new Map()));
  let guids = bySource.get(index);
  if (!guids) {
    const found = new Set<string>();
    const bytes = source.records.messageBytes(index);
    if (bytes)
      guidsIn(bytes, 0, bytes.length, (b, start) =>
        found.add(
          Buffer.from(b.buffer, b.byteOffset + start, GUID_LENGTH)
            .toString('latin1')
            .toLowerCase(),
        ),
      );
    bySource.set(index, (guids = found));
  }
  return guids;
}

/** Lines anywhere in the logs that audit a change of the assignment `guid` (lower-case, no braces). */
function auditLines(context: DiagnoseContext, guid: string): Array<{ file: string; line: number; text: string }> {
  const out: Array<{ file: string; line: number; text: string }> = [];
  for (const source of context.sources) {
    for (const index of auditableRecords(source)) {
      if (!guidsOf(source, index).has(guid)) continue;
      const message = messageOf(source, index);
      const m = AUDIT.map((p) => p.exec(message)).find(Boolean);
      if (!m?.groups) continue;
      const action = m.groups.action ?? ACTION[m.groups.id ?? ''] ?? 'changed';
      out.push({
        file: source.file,
        line: source.records.line(index),
        text: `${m.groups.id ? `${m.groups.id}: ` : ''}User "${m.groups.user}" ${action} updates assignment ${m.groups.number ?? ''}`.trim(),
      });
    }
  }
  return out;
}

const GUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Adds the audit trail of the assignment to findings keyed by it (client deployment, site replication). */
export function withAudit(context: DiagnoseContext, findings: Finding[]): Finding[] {
  return findings.map((finding) => {
    if (finding.flow !== 'deployment' && finding.flow !== 'assignmentReplication') return finding;
    if (!GUID_KEY.test(finding.key)) return finding;
    const audit = auditLines(context, finding.key);
    if (!audit.length) return finding;
    return {
      ...finding,
      evidence: [
        ...finding.evidence,
        ...audit.map((a) => ({
          file: a.file,
          line: a.line,
          text: a.text,
          note: 'audit (SMS Provider): who changed this deployment',
        })),
      ],
    };
  });
}
