// The toolbar: the filter controls (the filter itself is client/src/shared/filter.ts, the extension's too), time
// and lane modes, follow / pause, next / previous error, columns, export.
import { MAX_TEXT, SEVERITIES, emptyFilter, type SeverityName } from '../../client/src/shared/filter';
import type { TimeMode } from '../../client/src/shared/timelineMessages';
import type { App } from './app';
import { $, setPressed } from './dom';
import { parseUtcInput } from './format';

const input = (id: string) => $<HTMLInputElement>(id);

export function bindToolbar(app: App): void {
  let textTimer: ReturnType<typeof setTimeout> | undefined;
  input('text').addEventListener('input', () => {
    clearTimeout(textTimer);
    textTimer = setTimeout(() => app.setFilter({ text: input('text').value.slice(0, MAX_TEXT) }), 200);
  });
  input('regex').addEventListener('change', () => app.setFilter({ regex: input('regex').checked }));
  input('matchCase').addEventListener('change', () => app.setFilter({ matchCase: input('matchCase').checked }));
  $('severities').addEventListener('change', () => {
    const chosen = [...document.querySelectorAll<HTMLInputElement>('#severities input[data-sev]')]
      .filter((b) => b.checked)
      .map((b) => b.dataset.sev as SeverityName);
    app.setFilter({ severities: chosen.length === SEVERITIES.length ? null : chosen });
  });
  $('errorsOnly').addEventListener('click', () => app.setFilter({ errorsOnly: !app.filter.errorsOnly }));
  $('component').addEventListener('change', () => {
    const v = $<HTMLSelectElement>('component').value;
    app.setFilter({ components: v ? [v] : null });
  });
  $('file').addEventListener('change', () => {
    const v = $<HTMLSelectElement>('file').value;
    app.setFilter({ files: v ? [v] : null });
  });
  input('thread').addEventListener('change', () => {
    const v = input('thread').value.trim();
    const n = v === '' ? null : Number(v);
    const ok = n === null || (Number.isFinite(n) && n >= 0);
    input('thread').setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (ok) app.setFilter({ thread: n === null ? null : Math.floor(n) });
  });
  for (const [id, field] of [
    ['from', 'fromUtc'],
    ['to', 'toUtc'],
  ] as const) {
    input(id).addEventListener('change', () => {
      const t = parseUtcInput(input(id).value);
      const ok = t === null || !Number.isNaN(t);
      input(id).setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (ok) app.setFilter({ [field]: t });
    });
  }
  bindAround(app);
  $('clear').addEventListener('click', () => {
    app.filter = emptyFilter();
    for (const id of ['text', 'thread', 'from', 'to']) input(id).value = '';
    input('regex').checked = false;
    input('matchCase').checked = false;
    app.refilter();
  });
  bindModes(app);
  $('exportCsv').addEventListener('click', () =>
    app.vscode.postMessage({ type: 'export', format: 'csv', filter: app.filter, rules: app.rules }),
  );
  $('exportNdjson').addEventListener('click', () =>
    app.vscode.postMessage({ type: 'export', format: 'ndjson', filter: app.filter, rules: app.rules }),
  );
  $('bannerAll').addEventListener('click', () => app.vscode.postMessage({ type: 'setKey', key: null }));
  $('bannerFilter').addEventListener('click', () => app.setFilter({ key: app.filter.key ? null : app.focusKey }));
}

function bindAround(app: App): void {
  input('aroundSeconds').value = String(app.ui.aroundSeconds);
  input('aroundSeconds').addEventListener('change', () => {
    const n = Number(input('aroundSeconds').value);
    app.ui.aroundSeconds = Number.isFinite(n) ? Math.max(0, Math.min(86400, n)) : 30;
    input('aroundSeconds').value = String(app.ui.aroundSeconds);
    app.persist();
    if (app.filter.around) app.setFilter({ around: { t: app.filter.around.t, seconds: app.ui.aroundSeconds } });
  });
  $('around').addEventListener('click', () => {
    if (app.filter.around) return app.setFilter({ around: null });
    const t = app.selectedTime();
    if (t === null) return app.status('Select a record with a time first.', true);
    app.setFilter({ around: { t, seconds: app.ui.aroundSeconds } });
  });
}

function bindModes(app: App): void {
  const timeMode = $<HTMLSelectElement>('timeMode');
  timeMode.addEventListener('change', () => {
    const mode = timeMode.value;
    app.ui.chosenTimeMode = mode === 'utc' || mode === 'log' || mode === 'machine' ? (mode as TimeMode) : null;
    app.persist();
    syncToolbar(app);
    app.parts.applyColumns();
    app.parts.renderDetails();
    app.parts.renderChain();
    app.rowsChanged();
    app.parts.dirtyOverview();
  });
  const laneMode = $<HTMLSelectElement>('laneMode');
  laneMode.addEventListener('change', () => {
    app.ui.laneMode = laneMode.value === 'component' ? 'component' : 'file';
    app.persist();
    app.parts.dirtyOverview();
  });
  $('follow').addEventListener('click', () => {
    app.ui.follow = !app.ui.follow;
    app.persist();
    syncToolbar(app);
    if (app.ui.follow) app.parts.scrollToEnd();
  });
  $('prevError').addEventListener('click', () => app.jumpToSeverity(-1));
  $('nextError').addEventListener('click', () => app.jumpToSeverity(1));
  bindMoreMenu();
  $('toggleSide').addEventListener('click', () => {
    app.ui.side = !app.ui.side;
    app.persist();
    syncToolbar(app);
  });
}

/** The controls show the filter and the modes (after a change from code: a key chip, a clear, a settings message). */
export function syncToolbar(app: App): void {
  const { filter } = app;
  setPressed('errorsOnly', filter.errorsOnly);
  setPressed('around', !!filter.around);
  $<HTMLSelectElement>('file').value = filter.files?.length === 1 ? filter.files[0] : '';
  $<HTMLSelectElement>('component').value = filter.components?.length === 1 ? filter.components[0] : '';
  for (const box of document.querySelectorAll<HTMLInputElement>('#severities input[data-sev]'))
    box.checked = !filter.severities || filter.severities.includes(box.dataset.sev as SeverityName);
  for (const box of document.querySelectorAll<HTMLInputElement>('#filesBody input[type=checkbox]'))
    box.checked = !filter.files || filter.files.includes(box.dataset.uri ?? '');
  const error = app.textError ?? app.filterError;
  $('textError').textContent = error ?? '';
  input('text').setAttribute('aria-invalid', error ? 'true' : 'false');
  const timeMode = $<HTMLSelectElement>('timeMode');
  timeMode.value = app.ui.chosenTimeMode ?? 'auto';
  const auto = timeMode.querySelector<HTMLOptionElement>('option[value=auto]');
  if (auto)
    auto.textContent = `Auto (${app.timeMode === 'log' ? 'log-local: one zone' : app.summary.biases.length > 1 ? 'UTC: zones differ' : 'UTC'})`;
  $<HTMLSelectElement>('laneMode').value = app.ui.laneMode;
  setPressed('follow', app.ui.follow);
  $('follow').textContent = app.ui.follow ? 'Follow: on' : 'Follow: off';
  $('follow').title = app.ui.follow
    ? 'Following the end of the logs as they grow: click to pause'
    : 'Paused: click to follow the end of the logs as they grow';
  setPressed('toggleSide', app.ui.side);
  $('main').classList.toggle('no-side', !app.ui.side);
}

/**
 * The "…" button of a narrow toolbar (timeline.css): the secondary controls (severities, component, file, thread,
 * time range, display, export) open below it over the list, so the toolbar stays one row and the list keeps its
 * height. Escape, the button again or a click elsewhere closes them. In a wide panel the button is not shown.
 */
function bindMoreMenu(): void {
  const toolbar = $('toolbar');
  const more = $('more');
  const setOpen = (open: boolean) => {
    toolbar.classList.toggle('more-open', open);
    more.setAttribute('aria-expanded', open ? 'true' : 'false');
  };
  more.addEventListener('click', () => setOpen(!toolbar.classList.contains('more-open')));
  toolbar.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !toolbar.classList.contains('more-open')) return;
    setOpen(false);
    more.focus();
  });
  document.addEventListener('pointerdown', (event) => {
    if (toolbar.classList.contains('more-open') && !toolbar.contains(event.target as Node)) setOpen(false);
  });
}
