// In the editor: the user's highlight rules (cmlogs.highlightRules, the timeline's too) as line backgrounds, the
// lines their hide / show-only rules leave out dimmed (an editor shows the whole file: VS Code gives extensions
// no way to hide lines, and the grid is where they disappear), and CMTrace's markup (`<![LOG[`,
// `]LOG]!><time=… >`) made quiet so that the message reads first (cmlogs.quietMarkup). Only the visible lines (and
// a margin) are scanned: a log of a million lines costs nothing.
import * as vscode from 'vscode';
import { trace } from './trace';
import { RULE_COLORS, compileRules, sanitizeRules, type RuleColor } from './shared/highlightRules';

const MARGIN = 200;
const OPEN = /^\s*<!\[LOG\[/;
const CLOSE = /\]LOG\]!><time="[^"]*"[^\n]*>\s*$/;

/** Ranges of the markup in `line` (number `n`): the opening `<![LOG[` and the closing `]LOG]!><…>`. */
export function markupRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const open = OPEN.exec(text);
  if (open) out.push([0, open[0].length]);
  const close = CLOSE.exec(text);
  if (close && close.index >= (open ? open[0].length : 0)) out.push([close.index, text.length]);
  return out;
}

export function registerEditorRules(context: vscode.ExtensionContext): void {
  const quiet = vscode.window.createTextEditorDecorationType({ opacity: '0.45' });
  const hidden = vscode.window.createTextEditorDecorationType({ opacity: '0.3' });
  const colours = new Map<RuleColor, vscode.TextEditorDecorationType>(
    RULE_COLORS.map((c) => [
      c,
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor(`cmlogs.rule.${c}`),
        overviewRulerColor: new vscode.ThemeColor(`charts.${c}`),
        overviewRulerLane: vscode.OverviewRulerLane.Center,
      }),
    ]),
  );
  context.subscriptions.push(quiet, hidden, ...colours.values());
  let timer: NodeJS.Timeout | undefined;

  const apply = (editor: vscode.TextEditor) => {
    if (editor.document.languageId !== 'cmlog') return;
    const config = vscode.workspace.getConfiguration('cmlogs', editor.document.uri);
    const rules = compileRules(sanitizeRules(config.get('highlightRules')));
    const quietOn = config.get<boolean>('quietMarkup', true);
    const byColour = new Map<RuleColor, vscode.Range[]>(RULE_COLORS.map((c) => [c, []]));
    const markup: vscode.Range[] = [];
    const left: vscode.Range[] = [];
    const { document } = editor;
    for (const visible of editor.visibleRanges) {
      const from = Math.max(0, visible.start.line - MARGIN);
      const to = Math.min(document.lineCount - 1, visible.end.line + MARGIN);
      for (let n = from; n <= to; n++) {
        const text = document.lineAt(n).text;
        const colour = rules.colorOf(text);
        if (colour) byColour.get(colour)!.push(new vscode.Range(n, 0, n, 0));
        // A line left out is dimmed as a whole (its markup too: the markup's own opacity would win over it).
        if (!rules.showsAll && !rules.visible(text)) left.push(new vscode.Range(n, 0, n, text.length));
        else if (quietOn) for (const [a, b] of markupRanges(text)) markup.push(new vscode.Range(n, a, n, b));
      }
    }
    for (const [colour, type] of colours) editor.setDecorations(type, byColour.get(colour)!);
    trace('editor-rules-decorations', { lines: markup.length });
    editor.setDecorations(quiet, markup);
    editor.setDecorations(hidden, left);
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => vscode.window.visibleTextEditors.forEach(apply), 150);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeVisibleTextEditors(soon),
    vscode.window.onDidChangeTextEditorVisibleRanges(soon),
    vscode.workspace.onDidChangeTextDocument(soon),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cmlogs') && soon()),
  );
  soon();
}
