// The timeline webview's status line: records loaded and shown, files, how far a folder's logs are read (and how
// many are shown by their last records meanwhile), records of unknown zone, rules.
import type { App } from './app';
import { localOnlyStatus } from './format';

export function showStatus(app: App): void {
  const s = document.getElementById('status');
  if (!s) return;
  s.classList.remove('error');
  const files = app.tables.files.length;
  const { indexing } = app;
  const parts = [
    `${app.total.toLocaleString()} records loaded${app.loading || indexing ? '\u2026' : ''}`,
    `${app.shown.toLocaleString()} shown`,
    `${files} file${files === 1 ? '' : 's'}`,
  ];
  // Rows of the logs read so far: the others merge in, in time order, as they are read.
  if (indexing) parts.push(`indexing the folder's logs: ${indexing.done} of ${indexing.total} read`);
  // Logs not read yet are shown by their last records (right at the end; the rest comes as each log is read).
  if (indexing?.tails)
    parts.push(`the last records of ${indexing.tails} log${indexing.tails === 1 ? '' : 's'} not read yet shown`);
  const localOnly = localOnlyStatus(app.summary.localCount);
  if (localOnly) parts.push(localOnly);
  if (!app.compiledRules.showsAll) parts.push('hide/show-only rules active');
  if (app.compiledRules.errors.length) parts.push(`rule errors: ${app.compiledRules.errors.join('; ')}`);
  s.textContent = parts.join(' \u00b7 ');
  s.title = s.textContent;
}
