// Which format a file is written in, judged from its first lines. Records are still matched one by one
// (files can be mixed); the file's format decides only what to do with lines no format claims.
import type { FormatId } from '../record';
import { LOG_FORMATS } from './registry';

const SAMPLE_LINES = 50;

export function detectFormat(headText: string): FormatId {
  const votes = new Map<FormatId, number>();
  const vote = (id: FormatId) => votes.set(id, (votes.get(id) ?? 0) + 1);
  const lines = headText.split(/\r\n|\r|\n/, SAMPLE_LINES);
  for (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim()) continue;
    vote(lineFormat(line));
  }
  let best: FormatId = 'plain';
  let bestVotes = 0;
  for (const [id, n] of votes) {
    if (id !== 'plain' && n > bestVotes) [best, bestVotes] = [id, n];
  }
  return best;
}

/** The first format of the registry that claims the line, or 'plain'. */
export function lineFormat(line: string): FormatId {
  for (const format of LOG_FORMATS) if (format.detect(line)) return format.id;
  return 'plain';
}
