// The timeline's row filter (text or regex, severities, component, thread, file, time range, around a record, key):
// the webview (media/src/) edits it and sends it; the language server runs it on its columns
// (server/src/core/timelineView.ts), so that the webview holds only a window of rows. Its shape is common/wire.d.ts
// and its text is compiled by common/textRule.ts, the one compiler the server runs too: the webview and the
// extension compile with it only to say at once when a pattern is refused, and the highlight rules
// (highlightRules.ts) compile their text with it.
// Pure TypeScript for any JavaScript engine: no Node, no DOM, no `vscode` (client/src/shared/).
import { compileTextRule, type TextTest } from '../../../common/textRule';
import type { SeverityName, TimelineFilter } from '../../../common/wire';

export { MAX_TEXT, hasNestedQuantifier } from '../../../common/textRule';
export type { SeverityName, TimelineFilter } from '../../../common/wire';

export const SEVERITIES = ['error', 'warning', 'info', 'verbose', 'unknown'] as const satisfies readonly SeverityName[];

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

/** Compiles the text part of a filter or rule safely (common/textRule.ts): never throws. */
export function compileText(text: string, regex: boolean, matchCase: boolean): TextTest {
  return compileTextRule({ text, regex, matchCase });
}

/** Why the filter's text cannot be used (a bad or dangerous regex, too long), as the server will say it; or null. */
export function filterError(filter: TimelineFilter): string | null {
  return compileText(filter.text, filter.regex, filter.matchCase).error;
}
