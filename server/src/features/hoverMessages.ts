// Hover on a STATMSG (decoded with its insertion strings filled in) and on state messages
// (TopicType / StateId in numbers, XML or UpdatesDeployment.log's words).
import { findStatmsgMentions, findStatmsgs, decodeStatmsg, type StatmsgFields } from '../core/decode/statusMessages';
import { findStateMessages, type StateMessageMatch } from '../core/decode/stateMessageTopics';
import type { LogRecord } from '../core/record';
import { escapeMarkdown, markdownCode } from '../core/text';

export function statmsgHover(record: LogRecord, offset: number): string | undefined {
  if (record.message.includes('STATMSG')) {
    const statmsg = findStatmsgs(record.message).find((s) => offset >= s.start && offset <= s.end);
    if (statmsg) return describeStatmsg(statmsg);
  }
  const mention = findStatmsgMentions(record.message).find((m) => offset >= m.start && offset <= m.end);
  return mention ? describeStatmsgId(mention.id, []) : undefined;
}

function describeStatmsg(s: StatmsgFields): string {
  const lines = [describeStatmsgId(s.id, s.istrs)];
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
  if (s.attributes.length) lines.push('Attributes: ' + s.attributes.map((a) => `${a.id}=${markdownCode(a.value)}`).join(', '));
  return lines.join('\n\n');
}

function describeStatmsgId(id: number, istrs: string[]): string {
  const decoded = decodeStatmsg(id, istrs);
  const header = `**Status message ${id}**${decoded.component ? ` · ${markdownCode(decoded.component)}` : ''}`;
  if (!decoded.known) return `${header}\n\n_Not in the reference table: its fields are shown as logged._`;
  const texts = decoded.texts.map((t) => `> ${escapeMarkdown(t.text)}\n>\n> _${escapeMarkdown(t.source)}_`);
  return [header, ...texts].join('\n\n');
}

export function stateMessageHover(record: LogRecord, offset: number): string | undefined {
  const match = findStateMessages(record.message).find((m) => offset >= m.start && offset <= m.end);
  return match ? describeStateMessage(match) : undefined;
}

function describeStateMessage(m: StateMessageMatch): string {
  const topic = m.topicType === null ? 'topic type not given' : `TopicType **${m.topicType}**${m.topicTypeName ? ' ' + markdownCode(m.topicTypeName) : ''}`;
  const word = m.topicWord ? ` (logged as ${markdownCode(m.topicWord)})` : '';
  const state = m.stateId === null ? '' : ` · State **${m.stateId}**`;
  const lines = [`**State message** — ${topic}${word}${state}`];
  if (m.names.length) lines.push(m.names.map((n) => `- ${escapeMarkdown(n)}`).join('\n'));
  if (m.isCompliant !== undefined) lines.push(`IsCompliant: ${m.isCompliant}`);
  if (!m.known) lines.push('_This topic/state is not in the reference tables._');
  return lines.join('\n\n');
}
