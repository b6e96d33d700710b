// Go to definition / find all references for a GUID or KB number, across every log the server knows.
import type { Location, Position } from 'vscode-languageserver';
import type { LogIndex, Occurrence } from '../core/logIndex';
import { keyAt, type KeyMatch } from '../core/keys';
import { pathToUri } from '../workspace';
import { messageOffset, messageRange } from './positions';

/** The key (GUID, KB) under the cursor, found in the record's message at that position. */
export function keyAtPosition(index: LogIndex, file: string, position: Position): KeyMatch | undefined {
  const hit = index.recordAt(file, position.line + 1);
  if (!hit) return undefined;
  const offset = messageOffset(hit.record, position);
  return offset < 0 ? undefined : keyAt(hit.record.message, offset);
}

export function occurrenceLocation(o: Occurrence): Location {
  return { uri: pathToUri(o.file), range: messageRange(o.record, o.match.start, o.match.end) };
}

export function references(index: LogIndex, file: string, position: Position): Location[] {
  const key = keyAtPosition(index, file, position);
  return key ? byTime(index.occurrences(key.key)).map(occurrenceLocation) : [];
}

/** The "definition" of a key is where it first appears in time: the record that introduced it. */
export function definition(index: LogIndex, file: string, position: Position): Location | undefined {
  const key = keyAtPosition(index, file, position);
  const first = key ? byTime(index.occurrences(key.key))[0] : undefined;
  return first ? occurrenceLocation(first) : undefined;
}

export function byTime(occurrences: Occurrence[]): Occurrence[] {
  return [...occurrences].sort(
    (a, b) =>
      (a.record.utc ?? Infinity) - (b.record.utc ?? Infinity) ||
      a.file.localeCompare(b.file) ||
      a.recordIndex - b.recordIndex,
  );
}
