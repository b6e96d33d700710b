// The side panels: the selected record (every time zone, keys to follow), the records linked to it across logs,
// and the files with their clock offsets; and the banner of a followed key.
import { SEVERITIES } from '../../client/src/shared/filter';
import { MAX_CLOCK_OFFSET_MS } from '../../client/src/shared/timelineMessages';
import type { App } from './app';
import { $, button, el } from './dom';
import {
  clockNote,
  displayText,
  firstLine,
  formatOffset,
  formatTime,
  formatWall,
  parseOffset,
  zoneLabel,
} from './format';
import type { Store } from './store';

const clampOffset = (ms: number) => Math.max(-MAX_CLOCK_OFFSET_MS, Math.min(MAX_CLOCK_OFFSET_MS, ms));

export function renderDetails(app: App): void {
  const body = $('detailsBody');
  body.replaceChildren();
  const store = app.selectedRow;
  if (!store || app.selected?.load !== app.load) {
    body.className = 'muted';
    body.textContent = 'Select a record (click, arrows; F8 next error); double-click or Enter opens it in the editor.';
    return;
  }
  body.className = '';
  const i = 0;
  const file = app.fileOf(i, store);
  const grid = el('dl', 'props');
  const prop = (name: string, value: string | Node) => {
    grid.appendChild(el('dt', null, name));
    const dd = el('dd');
    if (typeof value === 'string') dd.textContent = value;
    else dd.appendChild(value);
    grid.appendChild(dd);
  };
  const t = store.timeOf(i);
  const wall = store.wallOf(i);
  if (wall !== null) {
    // No UTC: the log's local time of an unknown zone, shown as such and converted to nothing.
    prop('UTC', 'none (zone unknown)');
    prop('Log-local', `${formatWall(wall)}  zone unknown`);
    prop('This computer', '');
  } else {
    prop('UTC', t === null ? 'no time' : formatTime(t, 'utc', null));
    prop('Log-local', t === null ? '' : `${app.timeText(i, 'log', store)}  ${zoneLabel('log', store.biasOf(i))}`);
    prop('This computer', t === null ? '' : app.timeText(i, 'machine', store));
  }
  const note = clockNote(store.clockOf(i), t !== null);
  if (note) prop('Time zone', el('span', `clock-note t-${app.markerOf(i, store)}`, note));
  const off = app.offsetOf(file);
  if (off) prop('Clock offset', formatOffset(off));
  prop(
    'File',
    store.line[i] > 0
      ? button(`${file.name}:${store.line[i]}`, `Open ${file.file} at line ${store.line[i]}`, () =>
          app.reveal(i, store),
        )
      : `${file.name} (line known once the log is read)`,
  );
  prop('Component', displayText(store.components[store.comp[i]] ?? ''));
  const th = store.thread[i];
  prop('Thread', th === th ? `${th} (0x${th.toString(16).toUpperCase()})` : '');
  prop('Severity', SEVERITIES[store.sev[i]]);
  const keys = store.keys[i];
  if (keys?.length) prop('Keys', keyChips(app, keys));
  body.appendChild(grid);
  const pre = el('pre', 'message');
  const text = store.msg[i];
  pre.textContent = displayText(text.length > 20000 ? text.slice(0, 20000) + '\u2026' : text).replace(/\u21b5/g, '\n');
  body.appendChild(pre);
}

function keyChips(app: App, keys: readonly string[]): HTMLElement {
  const box = el('div', 'keys');
  for (const key of keys) {
    const chip = el('span', 'chip');
    chip.appendChild(el('span', 'mono', key));
    chip.appendChild(
      button('follow', 'Highlight every record with this key', () => {
        app.focusKey = key;
        app.linkTo([key]);
        renderChain(app);
        renderBanner(app);
        app.rowsChanged();
      }),
    );
    chip.appendChild(
      button('filter', 'Show only records with this key', () => {
        app.focusKey = key;
        app.setFilter({ key });
      }),
    );
    box.appendChild(chip);
  }
  return box;
}

export function renderChain(app: App): void {
  const body = $('chainBody');
  body.replaceChildren();
  const count = $('chainCount');
  if (!app.linkKeys.length) {
    count.textContent = '';
    body.appendChild(el('div', 'muted', 'Select a record that carries a GUID or KB number to follow it across logs.'));
    return;
  }
  const linked = app.linked;
  count.textContent = linked ? `${linked.total} in ${linked.files} file${linked.files === 1 ? '' : 's'}` : '\u2026';
  body.appendChild(el('div', 'muted mono', app.linkKeys.join(', ')));
  if (!linked) return;
  const { store, positions } = linked;
  const frag = document.createDocumentFragment();
  const sel = app.selected;
  for (let i = 0; i < store.n; i++) {
    const selected = !!sel && store.line[i] === sel.line && app.fileOf(i, store).uri === sel.uri;
    const hidden = positions[i] < 0;
    const item = el(
      'div',
      `chain-item sev-${SEVERITIES[store.sev[i]]}${selected ? ' selected' : ''}${hidden ? ' hidden-by-filter' : ''}`,
    );
    item.tabIndex = 0;
    const marker = app.markerOf(i, store);
    item.append(
      el('span', marker ? `c-time t-${marker}` : 'c-time', app.timeText(i, app.timeMode, store)),
      el('span', 'c-file', app.fileOf(i, store).name),
      el('span', 'c-comp', displayText(store.components[store.comp[i]] ?? '')),
      el('span', 'c-msg', firstLine(store.msg[i], 300)),
    );
    item.title = store.line[i] > 0 ? `${app.fileOf(i, store).file}:${store.line[i]}` : app.fileOf(i, store).file;
    item.addEventListener('click', () => goToLinked(app, store, i, positions[i]));
    item.addEventListener('keydown', (e) => e.key === 'Enter' && goToLinked(app, store, i, positions[i]));
    frag.appendChild(item);
  }
  body.appendChild(frag);
  if (linked.total > store.n)
    body.appendChild(el('div', 'muted', `+${linked.total - store.n} more (filter to the key to see them all)`));
}

/** A linked record: selected in the list when the filter shows it, and opened in the editor. */
function goToLinked(app: App, store: Store, i: number, pos: number): void {
  if (app.linked?.store !== store) return; // drawn for a previous answer or load
  if (pos >= 0) app.selectAt(pos, 'center');
  app.reveal(i, store);
}

export function renderFiles(app: App): void {
  const body = $('filesBody');
  body.replaceChildren();
  for (const file of app.tables.files) {
    const row = el('div', 'file-row');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = !app.filter.files || app.filter.files.includes(file.uri);
    box.dataset.uri = file.uri;
    box.title = 'Show this file';
    box.addEventListener('change', () => {
      const shown = app.filter.files ? app.filter.files.slice() : app.tables.files.map((f) => f.uri);
      const at = shown.indexOf(file.uri);
      if (box.checked && at < 0) shown.push(file.uri);
      if (!box.checked && at >= 0) shown.splice(at, 1);
      app.setFilter({ files: shown.length === app.tables.files.length ? null : shown });
    });
    const name = el('span', 'file-name', file.name);
    name.title = `${file.file} (${file.records || 0} records)`;
    const input = el('input', 'offset');
    input.type = 'text';
    input.value = formatOffset(app.offsetOf(file));
    input.title = 'Clock offset added to this file\u2019s times: e.g. -3h, +1.5s, 250ms';
    input.setAttribute('aria-label', `Clock offset of ${file.name}`);
    const apply = (ms: number | null) => {
      input.setAttribute('aria-invalid', ms === null ? 'true' : 'false');
      if (ms === null) return;
      input.value = formatOffset(ms);
      app.vscode.postMessage({ type: 'setClockOffset', uri: file.uri, ms });
    };
    input.addEventListener('change', () => apply(parseOffset(input.value)));
    const info = app.summary.fileClocks[app.tables.files.indexOf(file)] ?? null;
    if (info) {
      const note = clockNote(info, info.kind !== 'local');
      name.title += `\n${note}`;
      name.classList.add(`t-${info.kind}`);
    }
    row.append(
      box,
      name,
      button('\u22121s', 'Shift this lane 1 second earlier', () => apply(clampOffset(app.offsetOf(file) - 1000))),
      input,
      button('+1s', 'Shift this lane 1 second later', () => apply(clampOffset(app.offsetOf(file) + 1000))),
    );
    body.appendChild(row);
  }
  if (!app.tables.files.length) body.appendChild(el('div', 'muted', app.loading ? 'Loading\u2026' : 'No files yet.'));
}

export function renderBanner(app: App): void {
  const banner = $('banner');
  const key = app.focusKey;
  banner.hidden = !key;
  if (!key) return;
  // The count is the server's when the links are the key's (a selection with other keys links those).
  const n = app.linked && app.linkKeys.length === 1 && app.linkKeys[0] === key ? app.linked.total : null;
  const records = n === null ? 'the records' : `${n} record${n === 1 ? '' : 's'}`;
  $('bannerText').textContent = app.serverKey
    ? `Showing only the ${records} that carry ${key}.`
    : `Highlighting ${records} that carry ${key}.`;
  $('bannerAll').hidden = !app.serverKey;
  $('bannerFilter').hidden = !!app.serverKey;
  $('bannerFilter').textContent = app.filter.key ? 'Show every record' : 'Filter to this key';
}

export function renderFileSelect(app: App): void {
  const select = $<HTMLSelectElement>('file');
  const value = select.value;
  select.replaceChildren(new Option('All files', ''));
  for (const f of app.tables.files) {
    const o = new Option(f.name, f.uri);
    o.title = f.file;
    select.appendChild(o);
  }
  select.value = value;
  if (select.value !== value) select.value = '';
}

export function renderComponentSelect(app: App): void {
  const select = $<HTMLSelectElement>('component');
  const value = app.filter.components?.length === 1 ? app.filter.components[0] : '';
  const names = app.summary.components
    .slice()
    .sort((a, b) => a.localeCompare(b))
    .slice(0, 5000);
  select.replaceChildren(
    new Option('All components', ''),
    ...names.map((n) => new Option(displayText(n) || '(none)', n)),
  );
  select.value = value;
}
