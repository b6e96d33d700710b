// Messages from the extension: loads of rows (loading → begin → rows… → end, all carrying the load id), clock
// offsets, settings and status. Rows of any load but the current one are dropped.
import { sanitizeRules } from '../../client/src/shared/highlightRules';
import { sanitizeLayout, type ExtensionMessage, type TimeMode } from '../../client/src/shared/timelineMessages';
import type { App } from './app';
import { Store, positionOf } from './store';

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** A reload in place (live log, clock offset): the selection and the top row are found again by file and line. */
interface Anchor {
  sel: { uri: string; line: number } | null;
  top: { uri: string; line: number } | null;
  topIndex: number;
}

export class MessageHandler {
  private anchor: Anchor | null = null;
  /** Held while a reload in place runs, so the list does not flash empty. */
  holdRender = false;
  private panelTimer: ReturnType<typeof setTimeout> | undefined;
  private componentsDirty = false;

  constructor(private readonly app: App) {}

  handle(m: ExtensionMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'loading':
        return this.onLoading(m);
      case 'begin':
        return this.onBegin(m);
      case 'rows':
        return this.onRows(m);
      case 'end':
        return this.onEnd(m);
      case 'clockOffsets':
        this.app.offsets = m.offsets && typeof m.offsets === 'object' ? m.offsets : {};
        this.app.parts.renderFiles();
        this.app.rowsChanged();
        return;
      case 'settings':
        return this.onSettings(m);
      case 'status':
        return this.app.status(String(m.text ?? ''), !!m.error);
    }
  }

  private identity(i: number): { uri: string; line: number } | null {
    const { app } = this;
    return i >= 0 && i < app.store.n ? { uri: app.fileOf(i).uri, line: app.store.line[i] } : null;
  }

  /** A new load starts: unless it replaces the same rows in place, nothing of the previous one stays on show. */
  private onLoading(m: Extract<ExtensionMessage, { type: 'loading' }>): void {
    if (m.keepView) return;
    this.reset(num(m.generation, -1));
    this.app.status(`Loading ${String(m.title ?? 'the timeline')}\u2026`, false);
  }

  private reset(load: number): void {
    const { app } = this;
    app.load = load;
    app.store = new Store(load);
    app.viewCount = 0;
    app.viewVersion++;
    app.selected = null;
    app.linked = [];
    app.linkedMark = new Uint8Array(0);
    app.loading = true;
    app.truncated = false;
    this.anchor = null;
    this.holdRender = false;
  }

  private onBegin(m: Extract<ExtensionMessage, { type: 'begin' }>): void {
    const { app } = this;
    const keep = m.keepView && app.store.n > 0;
    const top = app.parts.topPosition();
    this.anchor = keep
      ? {
          sel: this.identity(app.selectedIndex),
          top: app.viewCount ? this.identity(app.view[Math.min(app.viewCount - 1, top)]) : null,
          topIndex: -1,
        }
      : null;
    this.holdRender = !!this.anchor;
    this.reset(num(m.generation, -1));
    this.holdRender = !!this.anchor;
    app.total = num(m.total, 0);
    app.maxRows = num(m.maxRows, 0);
    app.store.files = Array.isArray(m.files) ? m.files.slice() : [];
    app.serverKey = typeof m.serverKey === 'string' ? m.serverKey : null;
    app.focusKey = typeof m.focusKey === 'string' ? m.focusKey : null;
    app.linkKeys = app.focusKey ? [app.focusKey] : [];
    if (!m.keepView) app.parts.restoreTop(0);
    app.parts.renderFileSelect();
    app.parts.renderFiles();
    app.parts.renderBanner();
    app.parts.renderDetails();
    app.parts.renderChain();
    app.parts.applyColumns();
    app.updateStatus();
    app.rowsChanged();
    app.parts.dirtyOverview();
  }

  private onRows(m: Extract<ExtensionMessage, { type: 'rows' }>): void {
    const { app } = this;
    if (m.generation !== app.load || !m.chunk) return;
    const first = app.store.append(m.chunk, m.generation);
    if (first < 0) return;
    app.filterNew(first);
    if (app.linkKeys.length) app.growLinks(first);
    if (m.chunk.addFiles?.length) {
      app.parts.renderFileSelect();
      app.parts.renderFiles();
      app.parts.applyColumns();
    }
    if (m.chunk.addComponents?.length) this.componentsDirty = true;
    if (this.anchor) this.tryAnchor(first);
    else if (app.selectedIndex < 0 && app.focusKey && app.linked.length) app.select(app.linked[0], true);
    // Following (CMTrace's tail): rows appended to a finished load, i.e. the logs grew, bring the end into view.
    if (app.ui.follow && !app.loading && !this.anchor) app.parts.scrollToEnd();
    this.throttledPanels();
    app.updateStatus();
    app.rowsChanged();
    app.parts.dirtyOverview();
  }

  private onEnd(m: Extract<ExtensionMessage, { type: 'end' }>): void {
    const { app } = this;
    if (m.generation !== app.load) return;
    const first = app.loading;
    app.loading = false;
    app.total = num(m.total, app.total);
    app.truncated = !!m.truncated;
    if (this.anchor) {
      this.anchor = null;
      this.holdRender = false;
    } else if (first && app.ui.follow && app.selectedIndex < 0) app.parts.scrollToEnd();
    app.parts.renderComponentSelect();
    app.parts.renderFiles();
    app.parts.renderChain();
    app.parts.renderBanner();
    app.parts.applyColumns();
    app.updateStatus();
    app.rowsChanged();
    app.parts.dirtyOverview();
  }

  private tryAnchor(from: number): void {
    const { app } = this;
    const a = this.anchor!;
    for (let i = from; i < app.store.n; i++) {
      if (a.sel && app.store.line[i] === a.sel.line && app.fileOf(i).uri === a.sel.uri) {
        a.sel = null;
        app.selected = app.store.ref(i);
        app.recomputeLinks();
      }
      if (a.top && app.store.line[i] === a.top.line && app.fileOf(i).uri === a.top.uri) {
        a.top = null;
        a.topIndex = i;
      }
    }
    if (a.sel || a.top) return;
    this.anchor = null;
    this.holdRender = false;
    const pos = a.topIndex >= 0 ? positionOf(app.view, app.viewCount, a.topIndex) : -1;
    if (pos >= 0) app.parts.restoreTop(pos);
    app.parts.renderDetails();
  }

  private onSettings(m: Extract<ExtensionMessage, { type: 'settings' }>): void {
    const { app } = this;
    const mode = m.timeMode as string;
    if (['utc', 'log', 'machine', 'auto'].includes(mode)) {
      app.timeSetting = mode as TimeMode | 'auto';
      // The user just changed the setting: it replaces the mode picked in this panel.
      if (m.changed) app.ui.chosenTimeMode = null;
    }
    if (m.layout) app.layout = sanitizeLayout(m.layout);
    if (Array.isArray(m.rules)) app.setRules(sanitizeRules(m.rules));
    app.persist();
    app.parts.applyColumns();
    app.parts.syncControls();
    app.parts.renderDetails();
    app.rowsChanged();
    app.parts.dirtyOverview();
  }

  private throttledPanels(): void {
    if (this.panelTimer) return;
    this.panelTimer = setTimeout(() => {
      this.panelTimer = undefined;
      if (this.componentsDirty) {
        this.componentsDirty = false;
        this.app.parts.renderComponentSelect();
      }
      this.app.parts.renderChain();
      this.app.parts.renderBanner();
      if (!this.holdRender) this.app.parts.renderDetails();
    }, 400);
  }
}
