// The meaning of the timeline's row filter, written plainly over rows: the reference the language server's filter on
// its columns (server/src/core/timelineView.ts, the one the product runs) is checked against, row for row, in
// timeline.view.test.ts, and whose semantics timeline.protocol.test.ts states case by case. Its text is compiled by
// the product's one compiler (common/textRule.ts), so only the column logic is written twice: once fast, once plain.
import { compileTextRule } from '../../common/textRule';
import type { TimelineFilter } from '../../common/wire';

/** What a filter needs of a row. */
export interface FilterableRow {
  t: number | null;
  uri: string;
  severity: string;
  component: string;
  thread: number | null;
  message: string;
  keys: readonly string[];
}

export function referenceTest(filter: TimelineFilter): (row: FilterableRow) => boolean {
  const text = compileTextRule(filter);
  let severities: Set<string> | null = filter.severities ? new Set(filter.severities) : null;
  if (filter.errorsOnly)
    severities = severities ? new Set([...severities].filter((s) => s === 'error')) : new Set(['error']);
  const components = filter.components ? new Set(filter.components) : null;
  const files = filter.files ? new Set(filter.files) : null;
  const { fromUtc: from, toUtc: to, thread, key } = filter;
  const aroundFrom = filter.around ? filter.around.t - filter.around.seconds * 1000 : null;
  const aroundTo = filter.around ? filter.around.t + filter.around.seconds * 1000 : null;
  return (row) => {
    if (severities && !severities.has(row.severity)) return false;
    if (files && !files.has(row.uri)) return false;
    if (components && !components.has(row.component)) return false;
    if (thread !== null && row.thread !== thread) return false;
    if (from !== null && (row.t === null || row.t < from)) return false;
    if (to !== null && (row.t === null || row.t > to)) return false;
    if (aroundFrom !== null && (row.t === null || row.t < aroundFrom || row.t > aroundTo!)) return false;
    if (key !== null && !row.keys.includes(key)) return false;
    return text.test(row.message);
  };
}

/** The rows a filter keeps, in their order. A refused text keeps nothing (see `filterError`). */
export function applyFilter<R extends FilterableRow>(rows: readonly R[], filter: TimelineFilter): R[] {
  return rows.filter(referenceTest(filter));
}
