// Highlight and hide rules in the side panel: add (text or regex → colour, hide, or show only), remove, import
// from a JSON file (the extension opens the file). Saved per workspace by the extension (cmlogs.highlightRules),
// which sends them back in its settings message; the editor decorates the same matches.
import { MAX_TEXT } from '../../client/src/shared/filter';
import {
  RULE_ACTIONS,
  RULE_COLORS,
  sanitizeRules,
  type HighlightRule,
  type RuleAction,
  type RuleColor,
} from '../../client/src/shared/highlightRules';
import type { App } from './app';
import { $, button, el } from './dom';
import { displayText } from './format';

const ACTION_LABEL: Record<RuleAction, string> = { highlight: 'Highlight', hide: 'Hide', only: 'Show only' };

export class RulesPanel {
  private readonly body = $('rulesBody');

  constructor(private readonly app: App) {
    const action = $<HTMLSelectElement>('ruleAction');
    const color = $<HTMLSelectElement>('ruleColor');
    action.replaceChildren(...RULE_ACTIONS.map((a) => new Option(ACTION_LABEL[a], a)));
    color.replaceChildren(...RULE_COLORS.map((c) => new Option(c, c)));
    color.value = 'yellow';
    action.addEventListener('change', () => (color.hidden = action.value !== 'highlight'));
    // No <form> submit: the webview is not allowed forms (enableForms: false).
    const add = () => {
      const text = $<HTMLInputElement>('ruleText').value.slice(0, MAX_TEXT);
      if (!text) return;
      const rule: HighlightRule = {
        text,
        regex: $<HTMLInputElement>('ruleRegex').checked,
        matchCase: false,
        action: action.value as RuleAction,
        color: color.value as RuleColor,
      };
      $<HTMLInputElement>('ruleText').value = '';
      this.save([...app.rules, rule]);
    };
    $('ruleAdd').addEventListener('click', add);
    $('ruleText').addEventListener('keydown', (event) => event.key === 'Enter' && add());
    $('rulesImport').addEventListener('click', () => app.vscode.postMessage({ type: 'importRules' }));
    const render = app.setRules.bind(app);
    app.setRules = (rules) => {
      render(rules);
      this.render();
    };
    this.render();
  }

  private save(rules: HighlightRule[]): void {
    const clean = sanitizeRules(rules);
    this.app.setRules(clean);
    this.app.vscode.postMessage({ type: 'saveRules', rules: clean });
  }

  render(): void {
    this.body.replaceChildren();
    const { rules } = this.app;
    if (!rules.length) this.body.appendChild(el('div', 'muted', 'No rules. Add one below, or import a JSON file.'));
    rules.forEach((rule, k) => {
      const row = el('div', `rule-row${rule.action === 'highlight' ? ` hl hl-${rule.color}` : ''}`);
      row.append(
        el('span', 'rule-action', rule.action === 'highlight' ? rule.color : ACTION_LABEL[rule.action]),
        el('span', 'rule-text mono', displayText(rule.regex ? `/${rule.text}/` : rule.text)),
      );
      row.appendChild(button('\u2715', 'Remove this rule', () => this.save(rules.filter((_, j) => j !== k))));
      this.body.appendChild(row);
    });
    const errors = this.app.compiledRules.errors;
    if (errors.length) this.body.appendChild(el('div', 'error-text', errors.join('; ')));
  }
}
