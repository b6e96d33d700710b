// Anything we do not recognise: one record per line, with a best-effort timestamp so it still sorts.
import { makeLogTime, type Clock } from '../time';
import { fieldsFrom, severityFromWords, type RecordFields } from './fields';
import type { LogFormat } from './format';

const ISO_LIKE = /\b(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,:](\d{1,7}))?/;

export function plainFields(line: string): RecordFields {
  const m = ISO_LIKE.exec(line.slice(0, 200));
  const clock: Clock | null = m ? { hour: +m[4], minute: +m[5], second: +m[6], fraction: m[7] ?? '' } : null;
  const time = m && clock ? makeLogTime(+m[1], +m[2], +m[3], clock, null) : null;
  return fieldsFrom('plain', line, time, { severity: severityFromWords(line), rawType: null });
}

/** The fallback: never detected, it reads whatever no other format claims. */
export const plain: LogFormat<'plain'> = {
  id: 'plain',
  name: 'plain text',
  shape: 'line',
  detect: () => false,
};
