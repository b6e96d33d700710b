// CI assignment (deployment) replication on the site server (seed 000 "Deployment Creation" / "Software
// Update Deployment Creation": SMSDBMON drops a .CIA file in objmgr.box, Object Replication Manager processes
// the Update Group Assignment, creates and targets its policy, raises status message 5800 and reports
// "Successfully processed Update Group Assignment"; 5802 when it removes one), and the SMS Provider's audit
// messages (30196 created / 30197 modified / 30198 deleted updates assignment, seed "How to review the audit
// status messages to find if a deployment was modified") shown as context in every finding about that assignment.
import { G, re, rei, type FlowRule } from './rules';
import { NextMatch } from '../read/bytes';
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
const AUDIT = [
  rei`STATMSG: ID=(?<id>3019[678])\b[^\n]*?ISTR0="(?<user>[^"]*)"[^\n]*?ISTR1="(?<number>[^"]*)"`,
  rei`(?<id>3019[678])\s+User "\s*(?<user>[^"]+?)\s*" (?<action>created|modified|deleted) updates assignment (?<number>\d+)`,
  rei`User "\s*(?<user>[^"]+?)\s*" (?<action>created|modified|deleted) updates assignment (?<number>\d+)`,
];
const ACTION: Record<string, string> = { '30196': 'created', '30197': 'modified', '30198': 'deleted' };

const ID_3019 = Buffer.from('3019');
const UPDATES_ASSIGNMENT = Buffer.from('updates assignment');

/**
 * Whether a message can match AUDIT, from its bytes: every pattern holds "3019" or "updates assignment" (any
 * case; a case-insensitive expression without the u flag matches ASCII letters only with ASCII letters). An
 * assignment's GUID is in thousands of lines, and making each a string to try three expressions cost half a second.
 */
function mayAudit(bytes: Uint8Array | null): boolean {
  if (!bytes) return true; // no longer in its file: let the text say so
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return view.indexOf(ID_3019) >= 0 || containsCaseless(view, UPDATES_ASSIGNMENT);
}

/** `lower` (ASCII lower case) in `bytes`, ASCII letters compared in any case. */
function containsCaseless(bytes: Uint8Array, lower: Uint8Array): boolean {
  outer: for (let i = 0; i + lower.length <= bytes.length; i++) {
    for (let k = 0; k < lower.length; k++) {
      const c = bytes[i + k];
      if ((c >= 65 && c <= 90 ? c | 32 : c) !== lower[k]) continue outer;
    }
    return true;
  }
  return false;
}

const QUOTE = 34;
const CR = 13;
const auditableOf = new WeakMap<Source, Uint8Array>();

/**
 * Per record of the source, 1 when its message may be an audit line (every AUDIT pattern has a double quote, then
 * mayAudit), found in one pass over the log: read record by record where an assignment's GUID is, the same file
 * windows were read again for every assignment.
 */
function auditableRecords(source: Source): Uint8Array {
  let marks = auditableOf.get(source);
  if (marks) return marks;
  const table = source.records;
  const found = new Uint8Array(table.length);
  let buffer: Buffer | null = null;
  let quotes: NextMatch | null = null;
  let crs: NextMatch | null = null;
  table.scanMessages(0, (bytes, start, end, index) => {
    if (bytes !== buffer) {
      quotes = new NextMatch((buffer = bytes), QUOTE);
      crs = new NextMatch(bytes, CR);
    }
    if (quotes!.from(start) >= end) return;
    // A message with a CR: its text is what RecordTable.message gives (a multi-line one without its CRs).
    const text = crs!.from(start) < end ? table.messageBytes(index) : bytes.subarray(start, end);
    if (mayAudit(text)) found[index] = 1;
  });
  auditableOf.set(source, (marks = found));
  return marks;
}

const holdsAudit = new WeakMap<Source, boolean>();

/** Whether any line of the source may be an audit line (auditableRecords). */
function mayHoldAudit(source: Source): boolean {
  let holds = holdsAudit.get(source);
  if (holds === undefined) holdsAudit.set(source, (holds = auditableRecords(source).includes(1)));
  return holds;
}

/** Lines anywhere in the logs that audit a change of the assignment `guid` (lower-case, no braces). */
function auditLines(context: DiagnoseContext, guid: string): Array<{ file: string; line: number; text: string }> {
  const out: Array<{ file: string; line: number; text: string }> = [];
  // Only logs with a line that may audit are searched for the GUID: the GUID index reads a log when first asked,
  // and asking every log (the client's forty) for an assignment cost more than the whole download flow.
  const sources = context.sources.filter(mayHoldAudit);
  const guids = context.guids();
  const k = guids.numberIn(
    guid,
    sources.map((source) => source.position),
  );
  for (const source of sources) {
    const indexes = k < 0 ? undefined : guids.recordsOf(k, source.position);
    if (!indexes) continue;
    const auditable = auditableRecords(source);
    for (const index of indexes) {
      if (!auditable[index]) continue;
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
