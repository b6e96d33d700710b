// Highlight and hide rules (CMTrace's "Highlight" and "Filter" dialogs, kept): text or a regular expression →
// a highlight colour, or hide / show only. The timeline grid applies them to its rows and the editor draws them
// as decorations; they are saved per workspace (`cmlogs.highlightRules`) and can be imported from a JSON file.
// Pure (client/src/shared/): rule text is compiled with the timeline filter's safe compiler.
import { MAX_TEXT, compileText } from './filter';

export type RuleAction = 'highlight' | 'hide' | 'only';
export const RULE_ACTIONS: readonly RuleAction[] = ['highlight', 'hide', 'only'];

/** Named colours: the webview and the editor map them to theme colours (charts.*), so both themes read well. */
export const RULE_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
export type RuleColor = (typeof RULE_COLORS)[number];

export interface HighlightRule {
  text: string;
  regex: boolean;
  matchCase: boolean;
  action: RuleAction;
  /** For 'highlight'. */
  color: RuleColor;
}

export const MAX_RULES = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Well-formed rules from anything (settings, a file, the webview): unknown fields dropped, empty texts skipped. */
export function sanitizeRules(raw: unknown): HighlightRule[] {
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.rules) ? raw.rules : [];
  const out: HighlightRule[] = [];
  for (const item of list) {
    if (out.length >= MAX_RULES) break;
    if (!isObject(item) || typeof item.text !== 'string' || !item.text || item.text.length > MAX_TEXT) continue;
    const action = RULE_ACTIONS.includes(item.action as RuleAction) ? (item.action as RuleAction) : 'highlight';
    const color = RULE_COLORS.includes(item.color as RuleColor) ? (item.color as RuleColor) : 'yellow';
    out.push({ text: item.text, regex: item.regex === true, matchCase: item.matchCase === true, action, color });
  }
  return out;
}

/** Parses an imported rules file: a JSON array of rules or `{ "rules": [...] }`. Throws with a readable message. */
export function parseRulesFile(text: string): HighlightRule[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(json) && !(isObject(json) && Array.isArray(json.rules)))
    throw new Error('expected an array of rules or { "rules": [...] }');
  return sanitizeRules(json);
}

export interface CompiledRules {
  /** The colour of the first highlight rule that matches, or null. */
  colorOf(message: string): RuleColor | null;
  /** False when a hide rule matches, or when show-only rules exist and none matches. */
  visible(message: string): boolean;
  /** No hide or show-only rule: every row is visible. */
  showsAll: boolean;
  /** Rules that could not be used (bad or dangerous regex), with why. */
  errors: string[];
}

export function compileRules(rules: readonly HighlightRule[]): CompiledRules {
  const errors: string[] = [];
  const compiled = rules.map((rule) => {
    const text = compileText(rule.text, rule.regex, rule.matchCase);
    if (text.error) errors.push(`${rule.text}: ${text.error}`);
    return { rule, test: text.error ? () => false : text.test };
  });
  const highlights = compiled.filter((c) => c.rule.action === 'highlight');
  const hides = compiled.filter((c) => c.rule.action === 'hide');
  const onlies = compiled.filter((c) => c.rule.action === 'only');
  return {
    errors,
    showsAll: !hides.length && !onlies.length,
    colorOf: (message) => highlights.find((c) => c.test(message))?.rule.color ?? null,
    visible: (message) =>
      !hides.some((c) => c.test(message)) && (!onlies.length || onlies.some((c) => c.test(message))),
  };
}
