// The one compiler of a timeline text rule (the search box, a hide / show-only / highlight rule): the language
// server runs it over the records' messages (server/src/core/timelineView.ts) and the webview and the extension
// compile with it to say at once when a pattern is refused (client/src/shared/), so both always agree.
// Plain ECMAScript (this project sees no Node, DOM or vscode).
//
// Log text is untrusted: it is only ever tested against (a substring, or a RegExp refused when dangerous), never
// evaluated.
import type { TextRule } from './wire';

/** Longest search text (and regex source) accepted. */
export const MAX_TEXT = 500;

/**
 * Nested quantifiers such as (a+)+ or (\w*)* backtrack exponentially on text that almost matches, and so does a
 * quantified back-reference: log text is untrusted, so such patterns are refused rather than risk freezing the
 * server, the extension host or the webview. A linear scan (a regex to detect them could itself backtrack badly).
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

/** A compiled text rule: a test on messages, and why the rule cannot be used (it then matches nothing). */
export interface TextTest {
  test: (s: string) => boolean;
  error: string | null;
}

/** Compiles a text rule safely: never throws. An empty text matches everything. */
export function compileTextRule(rule: TextRule): TextTest {
  const { text, regex, matchCase } = rule;
  if (!text) return { test: () => true, error: null };
  if (text.length > MAX_TEXT) return { test: () => false, error: `Search text is longer than ${MAX_TEXT} characters` };
  if (!regex) {
    if (matchCase) return { test: (s) => s.includes(text), error: null };
    const needle = text.toLowerCase();
    return { test: (s) => s.toLowerCase().includes(needle), error: null };
  }
  if (hasNestedQuantifier(text))
    return {
      test: () => false,
      error: 'Nested quantifiers such as (a+)+ are not allowed (they can take forever on long lines)',
    };
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
