// The byte fast path (parseFile on a UTF-8 CMTrace file) must give exactly what the general parser gives
// for the same bytes: every field of every record, the warnings, the line count.
import { readFileSync } from 'node:fs';
import { findKeys, keysInBytes } from '../../server/src/core/keys';
import { parseBytes, parseFile } from '../../server/src/core/parse';

export async function fastPathDifferences(file: string): Promise<string[]> {
  const fast = await parseFile(file);
  const general = parseBytes(readFileSync(file), file);
  const problems: string[] = [];
  for (const k of ['encoding', 'format', 'lineCount', 'warningCount'] as const)
    if (fast[k] !== general[k]) problems.push(`${k}: ${fast[k]} vs ${general[k]}`);
  if (JSON.stringify(fast.warnings) !== JSON.stringify(general.warnings)) problems.push('warnings differ');
  if (fast.records.length !== general.records.length)
    return [...problems, `records: ${fast.records.length} vs ${general.records.length}`];
  for (let i = 0; i < fast.records.length; i++) {
    const a = JSON.stringify(fast.records.get(i));
    const b = JSON.stringify(general.records.get(i));
    if (a !== b) return [...problems, `record ${i}:\n  fast    ${a.slice(0, 400)}\n  general ${b.slice(0, 400)}`];
    const keys = [...new Set(findKeys(general.records.message(i)).map((m) => m.key))].sort().join();
    const bytes = fast.records.messageBytes(i);
    if (!bytes) return [...problems, `record ${i}: its message could not be read back from the file`];
    const byteKeys = [...new Set(keysInBytes(bytes))].sort().join();
    if (keys !== byteKeys) return [...problems, `record ${i}: keys ${byteKeys} vs ${keys}`];
  }
  return problems;
}
