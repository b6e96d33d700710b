// The extension side of the timeline webview: server pages packed into the webview's chunks, and the page's
// markup. No `vscode` import, so everything here is unit-tested in plain Node. What the webview shares with the
// extension (filter, messages, exports) is in shared/ and re-exported here for the extension's modules.
import type {
  RowClock,
  TimelineFile,
  TimelinePage,
  TimelineParams,
  TimelineRowFilter,
} from '../../server/src/protocol';
import { SEVERITIES, type SeverityName, type TimelineFilter } from './shared/filter';
import type { HighlightRule } from './shared/highlightRules';
import type { RowChunk, RowClockInfo, TimelineFileInfo, ViewPage, ViewQuery } from './shared/timelineMessages';

export * from './shared/filter';
export * from './shared/timelineMessages';
export * from './shared/export';
export * from './shared/highlightRules';

/** Turns server pages into chunks, interning files and components in the tables given (which it extends). */
export class ChunkEncoder {
  readonly files: TimelineFileInfo[] = [];
  readonly components: string[] = [];
  /** Distinct row clocks sent (inferred from which log, user offsets, local-only), in the webview's order. */
  readonly clocks: RowClockInfo[] = [];
  private readonly clockIndex = new Map<string, number>();
  private readonly fileIndex = new Map<string, number>();
  private readonly componentIndex = new Map<string, number>();

  constructor(private readonly clockOffsetOf: (uri: string) => number = () => 0) {}

  /** The webview's index of a file, or -1. */
  fileIndexOf(uri: string): number {
    return this.fileIndex.get(uri) ?? -1;
  }

  /** Registers files (from a page's `files`), returning the ones not known before. */
  addFiles(files: readonly TimelineFile[]): TimelineFileInfo[] {
    const added: TimelineFileInfo[] = [];
    for (const f of files) {
      if (this.fileIndex.has(f.uri)) continue;
      const info = {
        uri: f.uri,
        file: f.file,
        name: baseName(f.file),
        records: f.records,
        clockOffsetMs: this.clockOffsetOf(f.uri),
      };
      this.fileIndex.set(f.uri, this.files.length);
      this.files.push(info);
      added.push(info);
    }
    return added;
  }

  encode(page: Pick<TimelinePage, 'rows' | 'files'>, offset: number): RowChunk {
    const chunk: RowChunk = {
      offset,
      count: page.rows.length,
      addFiles: this.addFiles(page.files),
      addComponents: [],
      t: [],
      file: [],
      line: [],
      endLine: [],
      bias: [],
      sev: [],
      comp: [],
      thread: [],
      msg: [],
      keys: [],
      clock: [],
      addClocks: [],
      local: [],
    };
    // The page's file positions → the webview's (a page lists every file, so this is a handful of lookups).
    const fileOfPage = page.files.map((f) => this.fileIndex.get(f.uri)!);
    for (const row of page.rows) {
      const sev = SEVERITIES.indexOf(row.severity as SeverityName);
      chunk.t.push(row.t);
      chunk.file.push(fileOfPage[row.f] ?? 0);
      chunk.line.push(row.line);
      chunk.endLine.push(row.endLine);
      // The bias the row's UTC was had with: its log's own, else the one inferred or set for its folder, so that
      // "log-local" shows the time as written for both.
      chunk.bias.push(
        row.bias ??
          (row.clock && row.clock.kind !== 'local' && typeof row.clock.bias === 'number' ? row.clock.bias : null),
      );
      chunk.sev.push(sev < 0 ? SEVERITIES.length - 1 : sev);
      chunk.comp.push(this.componentId(row.component, chunk));
      chunk.thread.push(row.thread);
      chunk.msg.push(row.message);
      chunk.keys.push(row.keys.length ? row.keys : 0);
      chunk.clock.push(row.clock ? this.clockId(row.clock, chunk) + 1 : 0);
      // Only a row with no UTC needs its local time: the others are shown from `t` and their bias.
      chunk.local.push(row.t === null && row.local ? row.local : 0);
    }
    return chunk;
  }

  private clockId(clock: RowClock, chunk: RowChunk): number {
    const info = clockInfo(clock);
    const key = `${info.kind}\u0000${info.from ?? ''}\u0000${info.bias ?? ''}`;
    let id = this.clockIndex.get(key);
    if (id === undefined) {
      id = this.clocks.length;
      this.clocks.push(info);
      this.clockIndex.set(key, id);
      chunk.addClocks.push(info);
    }
    return id;
  }

  private componentId(component: string, chunk: RowChunk): number {
    let id = this.componentIndex.get(component);
    if (id === undefined) {
      id = this.components.length;
      this.components.push(component);
      this.componentIndex.set(component, id);
      chunk.addComponents.push(component);
    }
    return id;
  }
}

/** The webview's filter and its hide / show-only rules as the server runs them (TimelineRowFilter). */
export function toRowFilter(filter: TimelineFilter, rules: readonly HighlightRule[]): TimelineRowFilter {
  const text = (r: HighlightRule) => ({ text: r.text, regex: r.regex, matchCase: r.matchCase });
  return {
    ...filter,
    hide: rules.filter((r) => r.action === 'hide').map(text),
    only: rules.filter((r) => r.action === 'only').map(text),
  };
}

/** The server's part of a webview query (the target, key and clock offsets are the panel's). */
export function queryParams(query: ViewQuery): Omit<TimelineParams, 'uris' | 'folders' | 'key' | 'clockOffsets'> {
  const params: ReturnType<typeof queryParams> = {
    offset: query.offset,
    limit: query.limit,
    filter: toRowFilter(query.filter, query.rules),
  };
  if (query.anchor) params.anchor = query.anchor;
  if (query.seek) params.seek = query.seek;
  if (query.atTime !== undefined) params.atTime = query.atTime;
  if (query.overview) params.overview = query.overview;
  if (query.linkKeys?.length) params.linkKeys = query.linkKeys;
  if (query.summary) params.summary = true;
  return params;
}

/** A server page as the webview's ViewPage: rows packed (files, components and clocks interned by `encoder`). */
export function encodePage(encoder: ChunkEncoder, page: TimelinePage): ViewPage {
  const chunk = encoder.encode(page, page.offset);
  const out: ViewPage = { total: page.total, shown: page.shown ?? page.total, offset: page.offset, chunk };
  if (page.position !== undefined) out.position = page.position;
  if (page.filterError) out.filterError = page.filterError;
  if (page.indexing)
    out.indexing = {
      done: page.indexing.done,
      total: page.indexing.total,
      ...(page.indexing.tails && { tails: page.indexing.tails }),
    };
  if (page.overview) out.overview = page.overview;
  if (page.linked)
    out.linked = {
      total: page.linked.total,
      files: page.linked.files,
      chunk: encoder.encode({ rows: page.linked.rows, files: page.files }, 0),
      positions: page.linked.positions,
    };
  if (page.summary) {
    const clocks = new Array<RowClockInfo | null>(encoder.files.length).fill(null);
    page.summary.fileClocks.forEach((clock, k) => {
      const at = encoder.fileIndexOf(page.files[k]?.uri ?? '');
      if (clock && at >= 0) clocks[at] = clockInfo(clock);
    });
    out.summary = { ...page.summary, fileClocks: clocks };
  }
  return out;
}

function clockInfo(clock: RowClock): RowClockInfo {
  return clock.kind === 'local'
    ? { kind: 'local' }
    : {
        kind: clock.kind,
        ...(clock.from !== undefined && { from: clock.from }),
        ...(typeof clock.bias === 'number' && { bias: clock.bias }),
      };
}

export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

// ---------------------------------------------------------------------------------------------------------
// The page

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Content-Security-Policy of the page: only the script with this load's nonce, styles from the extension (and
 * the style element with this load's nonce when the style is written into the page), images from the extension.
 */
export function timelineCsp(cspSource: string, nonce: string, inlineStyle = false): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    inlineStyle ? `style-src ${cspSource} 'nonce-${nonce}'` : `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** The webview's script and style as text, written into the page under the nonce instead of fetched by URL. */
export interface InlineAssets {
  script: string;
  style: string;
}

/**
 * Whether `assets` can go into the page as they are: an element's text ends at the first `</script` or `</style`
 * (any case), which the bundle and the style sheet never hold; if one did, the page fetches them by URL instead.
 */
export function inlinable(assets: InlineAssets): boolean {
  return !/<\/script/i.test(assets.script) && !/<\/style/i.test(assets.style) && !/<!--/.test(assets.script);
}

/**
 * The webview's HTML: static markup only, no log text and no option values (everything dynamic arrives by
 * postMessage and is written with textContent), no inline script, handler or style.
 */
export function timelineHtml(o: {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The script and style themselves (the page then needs no fetch before its script runs); by URL otherwise. */
  inline?: InlineAssets;
}): string {
  const { nonce, scriptUri, styleUri } = o;
  const inline = o.inline && inlinable(o.inline) ? o.inline : undefined;
  const csp = timelineCsp(o.cspSource, nonce, !!inline);
  const style = inline
    ? `<style nonce="${attr(nonce)}">${inline.style}</style>`
    : `<link rel="stylesheet" href="${attr(styleUri)}">`;
  const script = inline
    ? `<script nonce="${attr(nonce)}">${inline.script}</script>`
    : `<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>ConfigMgr Timeline</title>
</head>
<body>
<div id="app">
  <div id="toolbar" role="toolbar" aria-label="Timeline filters">
    <div class="group g-text">
      <input id="text" type="search" placeholder="Filter messages" aria-label="Filter text" maxlength="500" spellcheck="false">
      <label class="toggle" title="Regular expression"><input id="regex" type="checkbox"><span>.*</span></label>
      <label class="toggle" title="Match case"><input id="matchCase" type="checkbox"><span>Aa</span></label>
      <span id="textError" class="error-text" role="alert"></span>
    </div>
    <div class="group g-nav">
      <button id="prevError" type="button" title="Previous error (Shift+F8)">↑<span class="label"> Error</span></button>
      <button id="nextError" type="button" title="Next error (F8)">↓<span class="label"> Error</span></button>
      <button id="follow" type="button" aria-pressed="true" title="Follow the end of the logs as they grow">Follow: on</button>
    </div>
    <button id="more" type="button" aria-expanded="false" aria-controls="toolbarMore" title="More filters and options (severities, component, file, thread, time range, time zone, lanes, columns, export)">…</button>
    <div id="toolbarMore">
      <div class="group g-sev" id="severities" aria-label="Severities">
        <label class="toggle sev-error" title="Errors"><input type="checkbox" data-sev="error" checked><span>Error</span></label>
        <label class="toggle sev-warning" title="Warnings"><input type="checkbox" data-sev="warning" checked><span>Warning</span></label>
        <label class="toggle sev-info" title="Information"><input type="checkbox" data-sev="info" checked><span>Info</span></label>
        <label class="toggle sev-verbose" title="Verbose"><input type="checkbox" data-sev="verbose" checked><span>Verbose</span></label>
        <label class="toggle sev-unknown" title="No severity"><input type="checkbox" data-sev="unknown" checked><span>Other</span></label>
        <button id="errorsOnly" type="button" aria-pressed="false" title="Show errors only">Errors only</button>
      </div>
      <div class="group g-where">
        <select id="component" aria-label="Component"><option value="">All components</option></select>
        <select id="file" aria-label="File"><option value="">All files</option></select>
        <input id="thread" type="number" min="0" placeholder="Thread" aria-label="Thread" class="narrow">
      </div>
      <div class="group g-when">
        <input id="from" type="text" placeholder="From (UTC)" aria-label="From, UTC" class="time-input" spellcheck="false">
        <input id="to" type="text" placeholder="To (UTC)" aria-label="To, UTC" class="time-input" spellcheck="false">
        <label title="Seconds either side of the selected record">± <input id="aroundSeconds" type="number" min="0" max="86400" value="30" class="narrow" aria-label="Seconds around"> s</label>
        <button id="around" type="button" aria-pressed="false" title="Only records around the selected one">Around record</button>
        <button id="clear" type="button" title="Clear every filter">Clear</button>
      </div>
      <div class="group g-view right">
        <select id="timeMode" aria-label="Time shown">
          <option value="auto">Auto</option>
          <option value="utc">UTC</option>
          <option value="log">Log-local</option>
          <option value="machine">This computer</option>
        </select>
        <select id="laneMode" aria-label="Lanes">
          <option value="file">Lanes: files</option>
          <option value="component">Lanes: components</option>
        </select>
        <details id="columnsDrop" class="drop"><summary title="Show or hide columns">Columns</summary><div id="columnsMenu" class="menu"></div></details>
        <button id="wrap" type="button" aria-pressed="false" title="Wrap long messages (three lines a row)">Wrap</button>
        <button id="toggleSide" type="button" aria-pressed="true" title="Show or hide the record details">Details</button>
        <button id="exportCsv" type="button" title="Export the filtered records as CSV">CSV</button>
        <button id="exportNdjson" type="button" title="Export the filtered records as NDJSON">NDJSON</button>
      </div>
    </div>
  </div>
  <div id="banner" hidden>
    <span id="bannerText"></span>
    <button id="bannerAll" type="button">Show all records</button>
    <button id="bannerFilter" type="button">Filter to this key</button>
  </div>
  <div id="overview">
    <div id="zoom">
      <span id="span" class="muted"></span>
      <button id="zoomIn" type="button" title="Zoom in (wheel up)">+</button>
      <button id="zoomOut" type="button" title="Zoom out (wheel down)">−</button>
      <button id="zoomFit" type="button" title="Show everything">Fit</button>
      <button id="zoomSel" type="button" title="Zoom around the selected record">Selection</button>
    </div>
    <canvas id="overviewCanvas" tabindex="0" aria-label="Overview: wheel to zoom, drag to pan, shift-drag to filter a time range, click to jump"></canvas>
  </div>
  <div id="main">
    <div id="listPane">
      <div id="header" class="row head" role="row"></div>
      <div id="list" tabindex="0" role="grid" aria-label="Records (F8: next error, Shift+F8: previous)"><div id="spacer"></div><div id="rows"></div></div>
    </div>
    <div id="side">
      <section id="details"><h3>Record</h3><div id="detailsBody" class="muted">Select a record.</div></section>
      <section id="chain"><h3>Linked records <span id="chainCount" class="muted"></span></h3><div id="chainBody"></div></section>
      <section id="rules"><h3>Highlight and hide rules</h3><div id="rulesBody"></div>
        <div id="ruleForm" class="rule-form">
          <input id="ruleText" type="text" placeholder="Text or regex" aria-label="Rule text" maxlength="500" spellcheck="false">
          <label class="toggle" title="Regular expression"><input id="ruleRegex" type="checkbox"><span>.*</span></label>
          <select id="ruleAction" aria-label="Rule action"></select>
          <select id="ruleColor" aria-label="Highlight colour"></select>
          <button id="ruleAdd" type="button">Add</button>
          <button id="rulesImport" type="button" title="Import rules from a JSON file">Import…</button>
        </div>
      </section>
      <section id="files"><h3>Files and clock offsets</h3><div id="filesBody"></div></section>
    </div>
  </div>
  <div id="status" role="status"></div>
</div>
${script}
</body>
</html>`;
}
