// The timeline's row filter (text or regex, severities, component, thread, file, time range, around a record, key):
// its shape, which the webview (media/src/) edits and sends, and its meaning over rows (applyFilter). The language
// server runs the same meaning on its columns (server/src/core/timelineView.ts, tested against applyFilter), so that
// the webview holds only a window of rows; the webview compiles it here to say at once when a regex is refused, and
// the highlight rules (highlightRules.ts) compile their text with it.
// Pure TypeScript for any JavaScript engine: no Node, no DOM, no `vscode` (client/src/shared/).
//
// Log text is untrusted: it is only ever tested against (substring or a refused-when-dangerous RegExp), never
// evaluated.

export const SEVERITIES = ['error', 'warning', 'info', 'verbose', 'unknown'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

/** Longest search text (and regex source) accepted from the webview. */
export const MAX_TEXT = 500;

export interface TimelineFilter {
  /** Text searched in the message (plain substring, or a regular expression when `regex`). */
  text: string;
  regex: boolean;
  matchCase: boolean;
  /** Severities shown; null means all. */
  severities: SeverityName[] | null;
  /** Components shown (exact names); null means all. */
  components: string[] | null;
  /** Thread shown; null means all. */
  thread: number | null;
  /** Files shown (URIs as the server writes them); null means all. */
  files: string[] | null;
  /** Inclusive UTC range (merged time); records without a time are outside any range. */
  fromUtc: number | null;
  toUtc: number | null;
  /** Quick filter: errors only (intersects with `severities`). */
  errorsOnly: boolean;
  /** Quick filter: records within ±seconds of a time (a selected record's). */
  around: { t: number; seconds: number } | null;
  /** Only records carrying this key (normalised GUID or KB number). */
  key: string | null;
}

export function emptyFilter(): TimelineFilter {
  return {
    text: '',
    regex: false,
    matchCase: false,
    severities: null,
    components: null,
    thread: null,
    files: null,
    fromUtc: null,
    toUtc: null,
    errorsOnly: false,
    around: null,
    key: null,
  };
}

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

export interface CompiledFilter {
  test(row: FilterableRow): boolean;
  /** Set when the text could not be used (bad or dangerous regex, too long); the text then matches nothing. */
  error: string | null;
  /** True when the filter keeps every row: the webview then skips testing a million rows one by one. */
  trivial: boolean;
}

/**
 * Nested quantifiers such as (a+)+ or (\w*)* backtrack exponentially on text that almost matches, and so does a
 * quantified back-reference: log text is untrusted, so such patterns are refused rather than risk freezing the
 * extension host or the webview. A linear scan (a regex to detect them could itself backtrack badly).
 */
export function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = []; // for each open group: does it contain a quantifier?
  let inClass = false;
  const isQuantifierAt = (i: number) =>
    source[i] === '+' || source[i] === '*' || (source[i] === '{' && /^\{\d+(?:,\d*)?\}/.test(source.slice(i, i + 24)));
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      if (!inClass && /[1-9]/.test(source[i + 1] ?? '')) {
        let j = i + 1;
        while (/\d/.test(source[j] ?? '')) j++;
        if (isQuantifierAt(j)) return true;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const quantified = groups.pop() ?? false;
      if (quantified && isQuantifierAt(i + 1)) return true;
      if (groups.length && (quantified || isQuantifierAt(i + 1))) groups[groups.length - 1] = true;
    } else if (isQuantifierAt(i) && groups.length) groups[groups.length - 1] = true;
  }
  return false;
}

/** Compiles the text part of a filter safely: never throws. */
export function compileText(
  text: string,
  regex: boolean,
  matchCase: boolean,
): { test: (s: string) => boolean; error: string | null } {
  if (!text) return { test: () => true, error: null };
  if (text.length > MAX_TEXT) return { test: () => false, error: `Search text is longer than ${MAX_TEXT} characters` };
  if (!regex) {
    if (matchCase) return { test: (s) => s.includes(text), error: null };
    const needle = text.toLowerCase();
    return { test: (s) => s.toLowerCase().includes(needle), error: null };
  }
  if (hasNestedQuantifier(text)) {
    return {
      test: () => false,
      error: 'Nested quantifiers such as (a+)+ are not allowed (they can take forever on long lines)',
    };
  }
  let re: RegExp;
  try {
    re = new RegExp(text, matchCase ? 'u' : 'iu');
  } catch (e) {
    try {
      // Patterns written for classic (non-unicode) regex syntax, e.g. "\-" or "{": accept them too.
      re = new RegExp(text, matchCase ? '' : 'i');
    } catch {
      return { test: () => false, error: `Invalid regular expression: ${(e as Error).message}` };
    }
  }
  return { test: (s) => re.test(s), error: null };
}

export function compileFilter(filter: TimelineFilter): CompiledFilter {
  const text = compileText(filter.text, filter.regex, filter.matchCase);
  let severities: Set<string> | null = filter.severities ? new Set(filter.severities) : null;
  if (filter.errorsOnly)
    severities = severities ? new Set([...severities].filter((s) => s === 'error')) : new Set(['error']);
  const components = filter.components ? new Set(filter.components) : null;
  const files = filter.files ? new Set(filter.files) : null;
  const from = filter.fromUtc;
  const to = filter.toUtc;
  const aroundFrom = filter.around ? filter.around.t - filter.around.seconds * 1000 : null;
  const aroundTo = filter.around ? filter.around.t + filter.around.seconds * 1000 : null;
  const { thread, key } = filter;
  const trivial =
    !filter.text &&
    !severities &&
    !components &&
    !files &&
    from === null &&
    to === null &&
    aroundFrom === null &&
    thread === null &&
    key === null;
  return {
    error: text.error,
    trivial,
    test(row) {
      if (severities && !severities.has(row.severity)) return false;
      if (files && !files.has(row.uri)) return false;
      if (components && !components.has(row.component)) return false;
      if (thread !== null && row.thread !== thread) return false;
      if (from !== null && (row.t === null || row.t < from)) return false;
      if (to !== null && (row.t === null || row.t > to)) return false;
      if (aroundFrom !== null && (row.t === null || row.t < aroundFrom || row.t > aroundTo!)) return false;
      if (key !== null && !row.keys.includes(key)) return false;
      return text.test(row.message);
    },
  };
}

/** The rows a filter keeps, in their order. A bad regex keeps nothing (see `compileFilter(...).error`). */
export function applyFilter<R extends FilterableRow>(rows: readonly R[], filter: TimelineFilter): R[] {
  const compiled = compileFilter(filter);
  return rows.filter((row) => compiled.test(row));
}
