// Hover on a GUID or KB number: what it is (as this line says: update source, assignment, CI /
// update, scan job, content, CTM/DTS job, location request, policy), and where else it occurs.
import { basename } from 'node:path';
import type { LogIndex } from '../core/logIndex';
import { guessKeyKind, keyAt } from '../core/keys';
import type { LogRecord } from '../core/record';
import { escapeMarkdown, markdownCode } from '../core/text';
import { toIsoUtc } from '../core/time';

const MAX_FILES_LISTED = 12;

export function keyHover(index: LogIndex, record: LogRecord, offset: number): string | undefined {
  const key = keyAt(record.message, offset);
  if (!key) return undefined;
  const summary = index.summarize(key.key);
  const label = key.kind === 'kb' ? 'KB article' : 'GUID';
  const role = key.kind === 'guid' ? guessKeyKind(record.message.slice(0, key.start)) : undefined;
  const here = role ? ` — **${escapeMarkdown(role)}** (as this line says)` : '';
  const lines = [`**${label}** ${markdownCode(key.kind === 'kb' ? key.key : `{${key.key}}`)}${here}`];
  const elsewhere = summary?.kinds.filter((k) => k !== role) ?? [];
  if (elsewhere.length)
    lines.push(`${role ? 'Elsewhere also seen as' : 'Seen as'}: ${elsewhere.map(markdownCode).join(', ')}`);
  if (!summary || summary.count <= 1) {
    lines.push('Appears only here among the indexed logs.');
    return lines.join('\n\n');
  }
  lines.push(
    `Appears **${summary.count}** times in **${summary.files.length}** file(s), ${toIsoUtc(summary.firstUtc) ?? '?'} → ${toIsoUtc(summary.lastUtc) ?? '?'} (UTC):`,
  );
  const listed = summary.files
    .slice(0, MAX_FILES_LISTED)
    .map((f) => `- ${markdownCode(basename(f.file))} × ${f.count}`);
  if (summary.files.length > MAX_FILES_LISTED) listed.push(`- … and ${summary.files.length - MAX_FILES_LISTED} more`);
  lines.push(listed.join('\n'));
  lines.push(
    '_Find All References (Shift+F12) lists them; **ConfigMgr: Show Related Events** puts them on the timeline._',
  );
  return lines.join('\n\n');
}
