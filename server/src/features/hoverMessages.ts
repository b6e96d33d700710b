// Hover on a STATMSG (decoded with its insertion strings filled in, for its message module), on a
// row copied from the Status Message Viewer, and on state messages (TopicType / StateId in numbers,
// XML or UpdatesDeployment.log's words).
import {
  decodeStatmsg,
  findStatmsgMentions,
  findStatmsgs,
  moduleOf,
  parseStatusViewerRow,
  type StatmsgFields,
  type StatusMessageModule,
  type StatusViewerRow,
} from '../core/decode/statusMessages';
import { findStateMessages, type StateMessageMatch } from '../core/decode/stateMessageTopics';
import type { LogRecord } from '../core/record';
import { escapeMarkdown, markdownCode } from '../core/text';

export function statmsgHover(record: LogRecord, offset: number): string | undefined {
  if (record.message.includes('STATMSG')) {
    const statmsg = findStatmsgs(record.message).find((s) => offset >= s.start && offset <= s.end);
    if (statmsg) return describeStatmsg(statmsg);
  }
  // A row exported from the console's Status Message Viewer: tab-separated, the whole row explains itself.
  if (record.message.includes('\t')) {
    const row = parseStatusViewerRow(record.message);
    if (row) return describeViewerRow(row);
  }
  const mention = findStatmsgMentions(record.message).find((m) => offset >= m.start && offset <= m.end);
  return mention ? describeStatmsgId(mention.id, [], moduleOf('', record.component)) : undefined;
}

function describeViewerRow(row: StatusViewerRow): string {
  const lines = [describeStatmsgId(row.id, [], moduleOf('', row.component), row.values)];
  const facts = [
    `Severity: ${escapeMarkdown(row.severity)}`,
    row.type && `Type: ${escapeMarkdown(row.type)}`,
    row.component && `Component: ${markdownCode(row.component)}`,
    row.site && `Site: ${markdownCode(row.site)}`,
    row.system && `System: ${markdownCode(row.system)}`,
    row.time && `Time: ${markdownCode(row.time)} (as the console showed it)`,
  ].filter(Boolean);
  lines.push(facts.join(' · '));
  if (row.values && Object.keys(row.values).length) {
    lines.push(
      'Values: ' +
        Object.entries(row.values)
          .map(([k, v]) => `${escapeMarkdown(k)} = ${markdownCode(v)}`)
          .join(', '),
    );
  }
  return lines.join('\n\n');
}

function describeStatmsg(s: StatmsgFields): string {
  const lines = [describeStatmsgId(s.id, s.istrs, moduleOf(s.source, s.component))];
  const facts = [
    `Severity: ${escapeMarkdown(s.severityName ?? s.severity)}`,
    `Level: ${escapeMarkdown(s.levelName ?? s.level)}`,
    s.component && `Component: ${markdownCode(s.component)}`,
    s.site && `Site: ${markdownCode(s.site)}`,
    s.system && `System: ${markdownCode(s.system)}`,
    s.utc && `Time: ${markdownCode(s.utc)} (GMTDATE)`,
  ].filter(Boolean);
  lines.push(facts.join(' · '));
  const istrs = s.istrs.map((v, i) => [i, v] as const).filter(([, v]) => v);
  if (istrs.length) lines.push('Insertion strings: ' + istrs.map(([i, v]) => `ISTR${i}=${markdownCode(v)}`).join(', '));
  if (s.attributes.length)
    lines.push('Attributes: ' + s.attributes.map((a) => `${a.id}=${markdownCode(a.value)}`).join(', '));
  return lines.join('\n\n');
}

const MODULE_NAMES: Record<StatusMessageModule, string> = {
  server: 'site server',
  client: 'client',
  provider: 'SMS Provider',
};

/** A template's placeholders filled from the values a viewer row's text gave back ("<user>" → "DOMAIN\User"). */
function fillFromValues(text: string, values: Record<string, string> | null): string {
  if (!values) return text;
  return text.replace(/<[^<>]+>|%\d{1,2}/g, (hole) => values[hole] ?? hole);
}

function describeStatmsgId(
  id: number,
  istrs: string[],
  module: StatusMessageModule | null,
  values: Record<string, string> | null = null,
): string {
  const decoded = decodeStatmsg(id, istrs, module);
  const severity = decoded.severityName ? ` · ${decoded.severityName}` : '';
  const header = `**Status message ${id}**${decoded.component ? ` · ${markdownCode(decoded.component)}` : ''}${severity}`;
  if (!decoded.known) return `${header}\n\n_Not in the reference tables: its fields are shown as logged._`;
  const modules = new Set(decoded.texts.map((t) => t.module));
  const texts = decoded.texts.map((t) => {
    const which =
      modules.size > 1 || decoded.module === null
        ? `${t.modules.map((m) => MODULE_NAMES[m]).join(', ')} message; `
        : '';
    return `> ${escapeMarkdown(fillFromValues(t.text, values))}\n>\n> _${escapeMarkdown(which + t.source)}_`;
  });
  return [header, ...texts].join('\n\n');
}

export function stateMessageHover(record: LogRecord, offset: number): string | undefined {
  const match = findStateMessages(record.message).find((m) => offset >= m.start && offset <= m.end);
  return match ? describeStateMessage(match) : undefined;
}

function describeStateMessage(m: StateMessageMatch): string {
  const topic =
    m.topicType === null
      ? 'topic type not given'
      : `TopicType **${m.topicType}**${m.topicTypeName ? ' ' + markdownCode(m.topicTypeName) : ''}`;
  const word = m.topicWord ? ` (logged as ${markdownCode(m.topicWord)})` : '';
  const state = m.stateId === null ? '' : ` · State **${m.stateId}**`;
  const lines = [`**State message** — ${topic}${word}${state}`];
  if (m.names.length) lines.push(m.names.map((n) => `- ${escapeMarkdown(n)}`).join('\n'));
  if (m.isCompliant !== undefined) lines.push(`IsCompliant: ${m.isCompliant}`);
  if (!m.known) lines.push('_This topic/state is not in the reference tables._');
  return lines.join('\n\n');
}
