// The overview above the list: a time axis (in the zone shown), a histogram of errors and warnings, one lane per
// file or component with its density, and the chain of records linked to the selection. Wheel to zoom, drag to
// pan, shift-drag to filter a time range, click to jump. The counts per time bucket come from the server (it holds
// the rows: issues #20, #23), asked for when the range, the width, the filter or the links change. Records of a
// log with no zone are drawn at their local time, in lanes marked "local time:" and outlined dashed (issue #18). A cached base layer;
// scrolling redraws only the overlay.
import type { OverviewData } from '../../client/src/shared/timelineMessages';
import type { App } from './app';
import { $ } from './dom';
import { biasZone, formatDuration, formatWall } from './format';
import { ticks } from './geometry';
import { AXIS_H, HIST_H, LABEL_W, paintHistogram, paintLanes, type Rgb } from './overviewPaint';

export class Overview {
  private readonly canvas = $<HTMLCanvasElement>('overviewCanvas');
  private readonly base = document.createElement('canvas');
  private readonly laneCanvas = document.createElement('canvas');
  private readonly probe = document.createElement('canvas');
  private baseDirty = true;
  private baseHeight = 0;
  private lastBase = 0;
  private baseTimer: ReturnType<typeof setTimeout> | undefined;
  /** The overview asked for last (load, filter, links, range, width, lanes), and the counts drawn last. */
  private askedKey = '';
  private drawn: OverviewData | null = null;
  private colors: Record<string, string> = {};
  private rgba: Record<'error' | 'warning' | 'fg', Rgb> = {
    error: [255, 0, 0],
    warning: [200, 160, 0],
    fg: [200, 200, 200],
  };
  private width: number;
  range = { from: 0, to: 1, auto: true };
  private drag: { x: number; from: number; to: number; moved: boolean; shift: boolean } | null = null;
  private brush: { x0: number; x1: number } | null = null;

  constructor(
    private readonly app: App,
    private readonly listWindow: () => { exact: number; rows: number },
  ) {
    this.width = this.canvas.clientWidth || 1;
    this.probe.width = this.probe.height = 1;
    new ResizeObserver(() => {
      this.width = this.canvas.clientWidth || 1;
      this.dirty();
    }).observe(this.canvas);
    this.readColors();
    new MutationObserver(() => {
      this.readColors();
      this.dirty();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    this.bindPointer();
    $('zoomIn').addEventListener('click', () => this.zoom(0.5));
    $('zoomOut').addEventListener('click', () => this.zoom(2));
    $('zoomFit').addEventListener('click', () => ((this.range.auto = true), this.dirty()));
    $('zoomSel').addEventListener('click', () => {
      const t = app.selectedTime();
      if (t === null) return app.status('Select a record with a time first.', true);
      const half = Math.max(50, app.ui.aroundSeconds * 1000);
      this.setRange(t - half, t + half);
    });
  }

  dirty(): void {
    this.baseDirty = true;
    this.askedKey = '';
    this.app.parts.render();
  }

  /** A CSS colour (theme variable value) as [r, g, b], by painting one pixel. */
  private toRgb(css: string): Rgb {
    const g = this.probe.getContext('2d', { willReadFrequently: true });
    if (!g) return [128, 128, 128];
    g.clearRect(0, 0, 1, 1);
    g.fillStyle = '#808080';
    g.fillStyle = css;
    g.fillRect(0, 0, 1, 1);
    const d = g.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]];
  }

  private readColors(): void {
    const cs = getComputedStyle(document.body);
    const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
    this.colors = {
      fg: v('--vscode-foreground', '#ccc'),
      muted: v('--vscode-descriptionForeground', '#999'),
      error: v('--vscode-errorForeground', '#f48771'),
      warning: v('--vscode-editorWarning-foreground', '#cca700'),
      link: v('--vscode-charts-purple', '#b180d7'),
      focus: v('--vscode-focusBorder', '#007fd4'),
      grid: v('--vscode-editorIndentGuide-background', 'rgba(128,128,128,0.25)'),
      band: v('--vscode-editor-selectionBackground', 'rgba(38,79,120,0.5)'),
      font: v('--vscode-font-family', 'sans-serif'),
    };
    this.rgba = {
      error: this.toRgb(this.colors.error),
      warning: this.toRgb(this.colors.warning),
      fg: this.toRgb(this.colors.fg),
    };
  }

  private extent(): { from: number; to: number } | null {
    const { minT, maxT } = this.app.summary;
    if (minT === null || maxT === null) return null;
    const span = Math.max(1000, maxT - minT);
    return { from: minT - span * 0.02, to: maxT + span * 0.02 };
  }

  /** Asks the server for the counts of the range shown, unless they were asked for already. */
  private ask(): void {
    const { app } = this;
    if (app.load < 0 || app.loading || !this.extent()) return;
    const W = Math.max(1, Math.floor(this.plotWidth()));
    const { from, to } = this.range;
    const key = `${app.load}:${app.filterSeq}:${app.linksSeq}:${from}:${to}:${W}:${app.ui.laneMode}`;
    if (key === this.askedKey) return;
    this.askedKey = key;
    app.query({ overview: { from, to, buckets: W, lanes: app.ui.laneMode, linkKeys: [] } });
  }

  /** The counts answered are those of the range and width shown (else the last picture stays until they are). */
  private fits(d: OverviewData | null): d is OverviewData {
    const W = Math.max(1, Math.floor(this.plotWidth()));
    return !!d && d.from === this.range.from && d.to === this.range.to && d.buckets === W;
  }

  private plotWidth = (): number => Math.max(10, this.width - LABEL_W);
  private xOf = (t: number): number =>
    LABEL_W + ((t - this.range.from) / (this.range.to - this.range.from)) * this.plotWidth();
  private tAt = (x: number): number =>
    this.range.from + ((x - LABEL_W) / this.plotWidth()) * (this.range.to - this.range.from);

  setRange(from: number, to: number): void {
    const all = this.extent();
    const maxSpan = Math.max(86400000, all ? (all.to - all.from) * 4 : 0);
    if (to - from < 5) [from, to] = [(from + to) / 2 - 2.5, (from + to) / 2 + 2.5];
    if (to - from > maxSpan) [from, to] = [(from + to) / 2 - maxSpan / 2, (from + to) / 2 + maxSpan / 2];
    this.range = { from, to, auto: false };
    this.dirty();
  }

  private zoom(factor: number, center?: number): void {
    const c = center ?? (this.range.from + this.range.to) / 2;
    this.setRange(c - (c - this.range.from) * factor, c + (this.range.to - c) * factor);
  }

  /** Draws the overlay over the cached base (redrawn when dirty, at most twice a second while loading). */
  draw(): void {
    const dpr = window.devicePixelRatio || 1;
    if (this.range.auto) {
      const e = this.extent();
      if (e && (e.from !== this.range.from || e.to !== this.range.to)) {
        this.range.from = e.from;
        this.range.to = e.to;
        this.baseDirty = true;
      }
    }
    if (this.baseDirty) this.ask();
    const data = this.app.overviewData;
    if (data !== this.drawn && this.fits(data)) this.baseDirty = true;
    const wantWidth = Math.round(this.width * dpr);
    const waiting = this.base.width > 1 && this.extent() && !this.fits(data) && this.app.store.n > 0;
    if ((this.baseDirty || this.base.width !== wantWidth) && !waiting) {
      const now = performance.now();
      if (this.app.loading && now - this.lastBase < 500 && this.base.width === wantWidth) {
        this.baseTimer ??= setTimeout(
          () => {
            this.baseTimer = undefined;
            this.app.parts.render();
          },
          520 - (now - this.lastBase),
        );
      } else {
        this.baseDirty = false;
        this.lastBase = now;
        this.drawBase(dpr);
      }
    }
    const { canvas, base } = this;
    if (canvas.width !== base.width || canvas.height !== base.height) {
      canvas.width = base.width;
      canvas.height = base.height;
      canvas.style.height = `${this.baseHeight}px`;
    }
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(base, 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawOverlay(g);
  }

  private drawOverlay(g: CanvasRenderingContext2D): void {
    const { app } = this;
    const { store, viewCount } = app;
    if (!this.extent()) return;
    const height = this.baseHeight;
    const W = Math.max(1, Math.floor(this.plotWidth()));
    if (viewCount) {
      const w = this.listWindow();
      const first = app.rowAt(Math.min(viewCount - 1, Math.floor(w.exact)));
      const last = app.rowAt(Math.min(viewCount - 1, Math.floor(w.exact) + w.rows));
      const firstT = first >= 0 ? store.placeOf(first) : null;
      const lastT = last >= 0 ? store.placeOf(last) : null;
      if (firstT !== null && lastT !== null) {
        const xa = Math.max(LABEL_W, this.xOf(firstT));
        const xb = Math.min(LABEL_W + W, this.xOf(lastT));
        if (xb >= xa - 1) {
          g.globalAlpha = 0.35;
          g.fillStyle = this.colors.band;
          g.fillRect(xa, AXIS_H, Math.max(2, xb - xa), height - AXIS_H);
          g.globalAlpha = 1;
        }
      }
    }
    const st = app.selectedTime();
    if (st !== null && st >= this.range.from && st <= this.range.to) {
      g.fillStyle = this.colors.focus;
      g.fillRect(Math.round(this.xOf(st)), AXIS_H, 2, height - AXIS_H);
    }
    if (this.brush) {
      g.globalAlpha = 0.3;
      g.fillStyle = this.colors.focus;
      g.fillRect(
        Math.min(this.brush.x0, this.brush.x1),
        AXIS_H,
        Math.abs(this.brush.x1 - this.brush.x0),
        height - AXIS_H,
      );
      g.globalAlpha = 1;
    }
  }

  private drawBase(dpr: number): void {
    const { app, colors } = this;
    const d = this.fits(app.overviewData) ? app.overviewData : null;
    this.drawn = d;
    const laneCount = d ? d.lanes.length : 0;
    const laneH = laneCount ? Math.max(3, Math.min(14, Math.floor(180 / laneCount))) : 14;
    const height = AXIS_H + HIST_H + Math.max(1, laneCount) * laneH + 4;
    this.baseHeight = height;
    this.base.width = Math.max(1, Math.round(this.width * dpr));
    this.base.height = Math.round(height * dpr);
    const g = this.base.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, this.width, height);
    g.font = `11px ${colors.font}`;
    g.textBaseline = 'middle';
    const W = Math.max(1, Math.floor(this.plotWidth()));
    if (!this.extent()) {
      g.fillStyle = colors.muted;
      g.fillText(
        app.total && app.summaryLoaded
          ? 'These records have no timestamps.'
          : app.total || app.loading || app.indexing
            ? 'Loading\u2026'
            : 'No records.',
        LABEL_W,
        AXIS_H + 10,
      );
      $('span').textContent = '';
      return;
    }
    $('span').textContent = `${formatDuration(this.range.to - this.range.from)} shown`;
    this.drawAxis(g, W, height);
    if (!d) return;
    paintHistogram(g, { W, errors: d.errors, warnings: d.warnings, local: d.local, colors });
    paintLanes(g, { W, d, laneH, laneCanvas: this.laneCanvas, rgba: this.rgba, colors });
    if (d.chain.length > 1) {
      const top = AXIS_H + HIST_H;
      g.strokeStyle = colors.link;
      g.lineWidth = 1.5;
      g.beginPath();
      d.chain.forEach((p, q) => {
        const cx = LABEL_W + p.x + 0.5;
        const cy = top + p.lane * laneH + laneH / 2;
        if (q) g.lineTo(cx, cy);
        else g.moveTo(cx, cy);
      });
      g.stroke();
    }
  }

  /** The axis says which zone its labels are in: UTC, the logs' own zone (log-local), or this computer's. */
  private drawAxis(g: CanvasRenderingContext2D, W: number, height: number): void {
    const { app, colors } = this;
    const mode = app.timeMode;
    const mid = (this.range.from + this.range.to) / 2;
    const biases = app.summary.biases;
    const onlyBias = biases.length === 1 ? biases[0] : null;
    // Every record has no zone: the axis is their local time (never called UTC).
    const allLocal = app.summary.localCount > 0 && app.summary.localCount >= app.total;
    const tz =
      mode === 'machine' ? new Date(mid).getTimezoneOffset() : mode === 'log' && onlyBias !== null ? onlyBias : 0;
    g.fillStyle = colors.muted;
    g.fillText(
      allLocal
        ? 'local, zone unknown'
        : mode === 'machine'
          ? 'this computer'
          : mode === 'log' && onlyBias !== null
            ? `log (${biasZone(onlyBias)})`
            : 'UTC',
      4,
      AXIS_H / 2,
    );
    for (const tick of ticks(this.range.from, this.range.to, W, 90, tz)) {
      const x = Math.round(this.xOf(tick.t)) + 0.5;
      g.fillStyle = colors.grid;
      g.fillRect(x, AXIS_H - 4, 1, height - AXIS_H + 4);
      g.fillStyle = colors.muted;
      g.fillText(tick.label, x + 3, AXIS_H / 2);
    }
  }

  private bindPointer(): void {
    const { canvas } = this;
    const xOfEvent = (event: MouseEvent) => event.clientX - canvas.getBoundingClientRect().left;
    canvas.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const x = xOfEvent(event);
        if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
          const d = (event.deltaX || event.deltaY) * ((this.range.to - this.range.from) / this.plotWidth());
          this.setRange(this.range.from + d, this.range.to + d);
        } else this.zoom(event.deltaY > 0 ? 1.25 : 0.8, x > LABEL_W ? this.tAt(x) : undefined);
      },
      { passive: false },
    );
    canvas.addEventListener('mousedown', (event) => {
      const x = xOfEvent(event);
      this.drag = { x, from: this.range.from, to: this.range.to, moved: false, shift: event.shiftKey };
      if (event.shiftKey) this.brush = { x0: x, x1: x };
    });
    window.addEventListener('mousemove', (event) => {
      const drag = this.drag;
      if (!drag) return;
      const x = xOfEvent(event);
      if (Math.abs(x - drag.x) > 3) drag.moved = true;
      if (drag.shift && this.brush) {
        this.brush.x1 = x;
        this.app.parts.render();
        return;
      }
      if (!drag.moved) return;
      const d = ((x - drag.x) / this.plotWidth()) * (drag.to - drag.from);
      this.setRange(drag.from - d, drag.to - d);
    });
    window.addEventListener('mouseup', (event) => this.endDrag(xOfEvent(event)));
    canvas.addEventListener('keydown', (event) => {
      const span = this.range.to - this.range.from;
      if (event.key === '+' || event.key === '=') this.zoom(0.8);
      else if (event.key === '-') this.zoom(1.25);
      else if (event.key === 'ArrowLeft') this.setRange(this.range.from - span * 0.1, this.range.to - span * 0.1);
      else if (event.key === 'ArrowRight') this.setRange(this.range.from + span * 0.1, this.range.to + span * 0.1);
      else return;
      event.preventDefault();
    });
  }

  private endDrag(x: number): void {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    const brush = this.brush;
    this.brush = null;
    if (d.shift && brush && d.moved) {
      const a = Math.round(this.tAt(Math.min(brush.x0, brush.x1)));
      const b = Math.round(this.tAt(Math.max(brush.x0, brush.x1)));
      $<HTMLInputElement>('from').value = formatWall(a);
      $<HTMLInputElement>('to').value = formatWall(b);
      this.app.setFilter({ fromUtc: a, toUtc: b });
      return;
    }
    if (!d.moved && x > LABEL_W) this.jumpTo(this.tAt(x));
    this.app.parts.render();
  }

  /** Selects the first record shown at or after `t` (the server finds it). */
  private jumpTo(t: number): void {
    const { app } = this;
    if (!app.viewCount) return;
    app.query({ atTime: t, offset: 0, limit: app.windowSize() }, (page) => {
      if ((page.position ?? -1) >= 0) app.selectAt(page.position!, 'center');
    });
  }
}
