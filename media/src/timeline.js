// ConfigMgr Logs: the cross-log timeline webview. Plain browser JavaScript, no framework. scripts/build.mjs bundles
// it (main.js is the entry) with the row filter the extension uses too (client/src/timelineFilter.ts) into
// media/out/timeline.js, the one script the page's Content-Security-Policy allows (by nonce).
//
// It renders only what the extension sends (rows already parsed and merged by the language server); it never
// parses logs. Log text is untrusted: it only ever reaches the page through textContent, canvas fillText and
// element.title, never innerHTML, never as a URL, never evaluated.
//
// The pure part (time formatting, lanes, virtual scrolling, ticks, histogram, row store) is exported for unit
// tests; `start(acquireVsCodeApi())` (main.js) runs the UI.
import { MAX_TEXT, SEVERITIES, compileFilter, emptyFilter } from '../../client/src/timelineFilter';
import { MAX_CLOCK_OFFSET_MS } from '../../client/src/timelineProtocol';

// ===========================================================================================================
// Pure helpers (unit-tested)

var EMPTY = Object.freeze([]);
/** The time modes of the toolbar's select (TimeMode in timelineProtocol.ts). */
var TIME_MODES = ['utc', 'log', 'machine'];

function pad(n, width) {
  var s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** "YYYY-MM-DD HH:MM:SS.mmm" of a wall-clock time held as if it were UTC milliseconds. */
function formatWall(ms) {
  var d = new Date(ms);
  if (isNaN(d.getTime())) return '';
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) + ' ' + pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2) + '.' + pad(d.getUTCMilliseconds(), 3);
}

function defaultTzOffset(t) {
  return new Date(t).getTimezoneOffset();
}

/**
 * A merged time shown three ways. `t` is UTC after the file's clock offset.
 *  - 'utc': t.
 *  - 'log': the wall clock the log wrote. Windows bias: UTC = local + bias, so local = UTC − bias (+300 is UTC−5);
 *    the file's clock offset is taken back out, so the text matches the line in the file. No bias: the time
 *    was read as UTC already.
 *  - 'machine': this computer's time zone. JavaScript's getTimezoneOffset() has the Windows sign too
 *    (UTC = local + offset); `tzOffsetOf` replaces it in tests.
 */
function formatTime(t, mode, bias, clockOffsetMs, tzOffsetOf) {
  if (t === null || t === undefined || typeof t !== 'number' || !isFinite(t)) return '';
  if (mode === 'log') return formatWall(t - (clockOffsetMs || 0) - (bias === null || bias === undefined || !isFinite(bias) ? 0 : bias) * 60000);
  if (mode === 'machine') return formatWall(t - (tzOffsetOf || defaultTzOffset)(t) * 60000);
  return formatWall(t);
}

/** A Windows bias as a zone: +300 → "UTC-05:00", -60 → "UTC+01:00", 0 → "UTC", null → "". */
function biasZone(bias) {
  if (bias === null || bias === undefined || !isFinite(bias)) return '';
  if (bias === 0) return 'UTC';
  var east = -bias;
  var abs = Math.abs(east);
  return 'UTC' + (east > 0 ? '+' : '-') + pad(Math.floor(abs / 60), 2) + ':' + pad(abs % 60, 2);
}

/** The zone a time is shown in, for tooltips and headers. */
function zoneLabel(mode, bias, t, tzOffsetOf) {
  if (mode === 'utc') return 'UTC';
  if (mode === 'log') return biasZone(bias) || 'as written (no zone in the log)';
  return biasZone((tzOffsetOf || defaultTzOffset)(isFinite(t) ? t : Date.now())) + ' (this computer)';
}

/** "1 d 2 h", "3 min 5 s", "250 ms": a duration for labels. */
function formatDuration(ms) {
  if (!isFinite(ms)) return '';
  var a = Math.abs(ms);
  var sign = ms < 0 ? '-' : '';
  if (a < 1000) return sign + Math.round(a) + ' ms';
  if (a < 60000) return sign + (Math.round(a / 100) / 10) + ' s';
  if (a < 3600000) return sign + Math.floor(a / 60000) + ' min ' + Math.round((a % 60000) / 1000) + ' s';
  if (a < 86400000) return sign + Math.floor(a / 3600000) + ' h ' + Math.round((a % 3600000) / 60000) + ' min';
  return sign + Math.floor(a / 86400000) + ' d ' + Math.round((a % 86400000) / 3600000) + ' h';
}

/** Clock offset text: "-3h", "+1.5s", "250ms", "2m", "1d", "-1h30m"; a bare number is milliseconds. Null when invalid. */
function parseOffset(text) {
  var raw = String(text == null ? '' : text);
  if (/\d\s+[\d.]/.test(raw)) return null; // "5 5" is not 55
  var s = raw.replace(/\s+/g, '').toLowerCase();
  if (s === '' || s === '0') return 0;
  var m = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|d|h|min|m|s)?)+)$/.exec(s);
  if (!m) return null;
  var units = { ms: 1, s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000 };
  var total = 0;
  var part = /(\d+(?:\.\d+)?)(ms|d|h|min|m|s)?/g;
  var seen = 0;
  for (var p = part.exec(m[2]); p; p = part.exec(m[2])) {
    if (!p[2] && p.index + p[0].length !== m[2].length) return null; // a bare number only at the end
    total += parseFloat(p[1]) * units[p[2] || 'ms'];
    seen++;
  }
  if (!seen || !isFinite(total)) return null;
  total = Math.round(m[1] === '-' ? -total : total);
  if (Math.abs(total) > MAX_CLOCK_OFFSET_MS) return null;
  return total;
}

/** Offset for an input box: "0", "+1h 30m", "-250ms", "+1.5s". */
function formatOffset(ms) {
  if (!ms) return '0';
  var sign = ms < 0 ? '-' : '+';
  var a = Math.abs(ms);
  var parts = [];
  var d = Math.floor(a / 86400000); a -= d * 86400000;
  var h = Math.floor(a / 3600000); a -= h * 3600000;
  var m = Math.floor(a / 60000); a -= m * 60000;
  if (d) parts.push(d + 'd');
  if (h) parts.push(h + 'h');
  if (m) parts.push(m + 'm');
  if (a) parts.push(a % 1000 === 0 ? a / 1000 + 's' : a >= 1000 ? a / 1000 + 's' : a + 'ms');
  return sign + parts.join(' ');
}

/** "2014-01-16 18:53:52.608", "2014-01-16T18:53", "2014-01-16" (UTC; a trailing Z is allowed); null when empty, NaN when invalid. */
function parseUtcInput(text) {
  var s = String(text == null ? '' : text).trim();
  if (!s) return null;
  var m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?)?\s*(?:z|utc)?$/i.exec(s);
  if (!m) return NaN;
  var month = +m[2], day = +m[3], hour = +(m[4] || 0), minute = +(m[5] || 0), second = +(m[6] || 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return NaN;
  var ms = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
  var t = Date.UTC(+m[1], month - 1, day, hour, minute, second, ms);
  return new Date(t).getUTCDate() === day ? t : NaN;
}

// C0 controls (tab aside) as control pictures, DEL/C1 and bidirectional overrides as U+FFFD: what is shown is
// what is there, and nothing reorders or hides the text around it (Trojan-source style).
var DISPLAY_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
function displayText(text) {
  return String(text).replace(DISPLAY_UNSAFE, function (c) {
    var code = c.charCodeAt(0);
    if (code === 10) return '\u21b5';
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
}

/** The first line of a message, shown in the list (the whole message is in the details pane). */
function firstLine(text, max) {
  var s = String(text);
  var nl = s.indexOf('\n');
  var line = nl >= 0 ? s.slice(0, nl).replace(/\r$/, '') + ' \u2026' : s;
  if (max && line.length > max) line = line.slice(0, max) + '\u2026';
  return displayText(line.replace(/\t/g, ' '));
}

/**
 * Lanes of the overview: one per file or per component, numbered in order of first appearance (in time) among
 * the rows of `view`, so the flow of a scan reads top to bottom. Returns lane ids (file or component index),
 * and `laneOfId` mapping an id to its lane (-1 when absent).
 */
function buildLanes(mode, store, view, viewCount, idCount) {
  var ids = mode === 'component' ? store.comp : store.file;
  var laneOfId = new Int32Array(Math.max(1, idCount)).fill(-1);
  var order = [];
  for (var p = 0; p < viewCount; p++) {
    var id = ids[view[p]];
    if (laneOfId[id] < 0) {
      laneOfId[id] = order.length;
      order.push(id);
    }
  }
  return { ids: order, laneOfId: laneOfId };
}

/**
 * Virtual scrolling with a fixed row height. Browsers cap an element's height (Chromium near 33.5 M px), so
 * beyond `maxHeight` the spacer stays at maxHeight and the scroll position is mapped proportionally onto rows.
 * Returns the spacer height, the rows to render [first, last) and `top`, where row `first` is drawn.
 */
function virtualWindow(scrollTop, viewport, rowHeight, count, overscan, maxHeight) {
  var natural = count * rowHeight;
  var exact;
  var spacer;
  if (natural <= maxHeight) {
    spacer = natural;
    exact = Math.max(0, Math.min(scrollTop, Math.max(0, natural - viewport))) / rowHeight;
  } else {
    spacer = maxHeight;
    var maxScroll = Math.max(1, maxHeight - viewport);
    var maxFirst = Math.max(0, count - viewport / rowHeight);
    exact = Math.max(0, Math.min(1, scrollTop / maxScroll)) * maxFirst;
  }
  var base = Math.floor(exact);
  var visible = Math.ceil(viewport / rowHeight) + 1;
  var first = Math.max(0, base - overscan);
  var last = Math.min(count, base + visible + overscan);
  var top = (natural <= maxHeight ? exact * rowHeight : scrollTop) - (exact - first) * rowHeight;
  return { spacerHeight: spacer, first: first, last: last, top: top, exact: exact };
}

/** The scrollTop that puts row `index` at the top of the viewport (inverse of virtualWindow). */
function scrollTopForRow(index, viewport, rowHeight, count, maxHeight) {
  var natural = count * rowHeight;
  if (natural <= maxHeight) return Math.max(0, Math.min(index * rowHeight, natural - viewport));
  var maxScroll = Math.max(1, maxHeight - viewport);
  var maxFirst = Math.max(1e-9, count - viewport / rowHeight);
  return Math.max(0, Math.min(maxScroll, (index / maxFirst) * maxScroll));
}

/** First position p in view[0..count) with t[view[p]] >= value; rows without time (NaN) sort first. */
function lowerBound(tArr, view, count, value) {
  var lo = 0, hi = count;
  while (lo < hi) {
    var mid = (lo + hi) >>> 1;
    var t = tArr[view[mid]];
    if (t !== t || t < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of a store index in the (ascending) view, or -1. */
function positionOf(view, count, index) {
  var lo = 0, hi = count;
  while (lo < hi) {
    var mid = (lo + hi) >>> 1;
    if (view[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo < count && view[lo] === index ? lo : -1;
}

var STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 6048e5, 12096e5, 2592e6, 7776e6, 31536e6];

/** Axis ticks between from and to for a width in px: at least minPx apart, aligned in the shown zone. */
function ticks(from, to, widthPx, minPx, tzOffsetMinutes) {
  var span = to - from;
  if (!(span > 0) || !(widthPx > 0)) return [];
  var step = STEPS[STEPS.length - 1];
  for (var i = 0; i < STEPS.length; i++) {
    if ((STEPS[i] / span) * widthPx >= minPx) {
      step = STEPS[i];
      break;
    }
  }
  var shift = (tzOffsetMinutes || 0) * 60000; // utc = local + shift
  var out = [];
  var first = Math.ceil((from - shift) / step) * step;
  var lastDay = null;
  for (var local = first; local <= to - shift && out.length < 500; local += step) {
    var wall = formatWall(local);
    var day = wall.slice(0, 10);
    var label;
    if (step >= 864e5) label = wall.slice(0, 10);
    else if (step >= 6e4) label = day !== lastDay ? wall.slice(5, 16) : wall.slice(11, 16);
    else if (step >= 1e3) label = day !== lastDay ? wall.slice(5, 19) : wall.slice(11, 19);
    else label = wall.slice(11, 23);
    lastDay = day;
    out.push({ t: local + shift, label: label, step: step });
  }
  return out;
}

/**
 * The overview in one pass over the rows of `view` whose time is in [from, to): per lane (laneOfId[ids[i]])
 * and pixel column, the number of rows, the worst severity (index into SEVERITIES) and whether a linked row is
 * there; per pixel column, the errors and warnings (the histogram). Rows are in time order, so the pass starts
 * at a binary search and stops at `to`: zoomed in, it touches only what is on screen.
 */
function densityBins(cols, laneOfId, linkedMark, view, count, from, to, width, laneCount) {
  var W = Math.max(1, width | 0);
  var counts = new Uint32Array(laneCount * W);
  var worst = new Uint8Array(laneCount * W).fill(255);
  var linked = new Uint8Array(laneCount * W);
  var errors = new Uint32Array(W), warnings = new Uint32Array(W);
  var maxCount = 0;
  var span = to - from;
  if (span > 0) {
    var scale = W / span;
    var t = cols.t, sev = cols.sev, ids = cols.ids;
    for (var p = lowerBound(t, view, count, from); p < count; p++) {
      var i = view[p];
      var ti = t[i];
      if (ti >= to) break;
      var px = ((ti - from) * scale) | 0;
      if (px >= W) px = W - 1;
      var s = sev[i];
      if (s === 0) errors[px]++;
      else if (s === 1) warnings[px]++;
      var lane = laneOfId[ids[i]];
      if (lane < 0) continue;
      var cell = lane * W + px;
      var c = ++counts[cell];
      if (c > maxCount) maxCount = c;
      if (s < worst[cell]) worst[cell] = s;
      if (linkedMark[i]) linked[cell] = 1;
    }
  }
  return { counts: counts, worst: worst, linked: linked, errors: errors, warnings: warnings, maxCount: maxCount };
}

/**
 * The time mode a `settings` message (the cmlogs.timeDisplay setting) asks for, or null to keep the current one:
 * the setting gives the first mode, and one the user picked in this panel (`chosen`) is kept until the setting
 * itself changes.
 */
function settingsTimeMode(message, chosen) {
  if (!message || TIME_MODES.indexOf(message.timeMode) < 0) return null;
  return chosen && message.changed !== true ? null : message.timeMode;
}

var CHAIN_POINTS_MAX = 20000;

/**
 * The chain of linked rows drawn over the lanes: the points to join, in time order (`linked` is ascending, and the
 * merged order is time order). Only rows of `view` in [from, to) that have a lane; x is the pixel column of `width`.
 * Consecutive rows in the same column and lane are one point, so the line stays cheap however long the chain.
 */
function chainPoints(linked, t, ids, laneOfId, view, viewCount, from, to, width) {
  var W = Math.max(1, width | 0);
  var span = to - from;
  var out = [];
  if (!(span > 0)) return out;
  var lastX = -1, lastLane = -1;
  for (var k = 0; k < linked.length && out.length < CHAIN_POINTS_MAX; k++) {
    var i = linked[k];
    var ti = t[i];
    if (!(ti >= from && ti < to)) continue;
    var lane = laneOfId[ids[i]];
    if (lane === undefined || lane < 0 || positionOf(view, viewCount, i) < 0) continue;
    var x = Math.min(W - 1, ((ti - from) * (W / span)) | 0);
    if (x === lastX && lane === lastLane) continue;
    out.push({ x: x, lane: lane, row: i });
    lastX = x;
    lastLane = lane;
  }
  return out;
}

/** Rows carrying any of `keys`, ascending (merged order is time order), without duplicates. */
function linkedRows(keyIndex, keys) {
  if (!keys || !keys.length) return [];
  if (keys.length === 1) return (keyIndex.get(keys[0]) || []).slice();
  var all = [];
  for (var k = 0; k < keys.length; k++) {
    var list = keyIndex.get(keys[k]);
    if (list) for (var j = 0; j < list.length; j++) all.push(list[j]);
  }
  all.sort(function (a, b) { return a - b; });
  var out = [];
  for (var i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
  return out;
}

/**
 * The rows the webview holds, in columns (a million rows as objects would not fit comfortably). Files and
 * components are indices into tables; the extension sends their new entries with each chunk.
 */
function Store() {
  this.n = 0;
  this.cap = 0;
  this.files = [];
  this.components = [];
  this.keyIndex = new Map();
  this.minT = NaN;
  this.maxT = NaN;
  this.t = new Float64Array(0);
  this.file = new Int32Array(0);
  this.line = new Int32Array(0);
  this.endLine = new Int32Array(0);
  this.bias = new Float64Array(0);
  this.sev = new Uint8Array(0);
  this.comp = new Int32Array(0);
  this.thread = new Float64Array(0);
  this.msg = [];
  this.keys = [];
}

Store.prototype.grow = function (need) {
  if (need <= this.cap) return;
  var cap = Math.max(1024, this.cap);
  while (cap < need) cap *= 2;
  var self = this;
  ['t', 'file', 'line', 'endLine', 'bias', 'sev', 'comp', 'thread'].forEach(function (name) {
    var old = self[name];
    var next = new old.constructor(cap);
    next.set(old.subarray(0, self.n));
    self[name] = next;
  });
  this.cap = cap;
};

function num(value, fallback) {
  return typeof value === 'number' && isFinite(value) ? value : fallback;
}

/** Appends a chunk (see RowChunk in timelineProtocol.ts); returns the index of its first row. */
Store.prototype.append = function (chunk) {
  var start = this.n;
  var count = Math.max(0, Math.min(num(chunk.count, 0), chunk.msg ? chunk.msg.length : 0));
  var i;
  for (i = 0; i < (chunk.addFiles || EMPTY).length; i++) this.files.push(chunk.addFiles[i]);
  for (i = 0; i < (chunk.addComponents || EMPTY).length; i++) this.components.push(String(chunk.addComponents[i]));
  this.grow(start + count);
  for (var k = 0; k < count; k++) {
    var at = start + k;
    var t = chunk.t[k];
    t = typeof t === 'number' && isFinite(t) ? t : NaN;
    this.t[at] = t;
    if (t === t) {
      if (!(this.minT <= t)) this.minT = t;
      if (!(this.maxT >= t)) this.maxT = t;
    }
    var f = num(chunk.file[k], 0);
    this.file[at] = f >= 0 && f < this.files.length ? f : 0;
    this.line[at] = num(chunk.line[k], 1);
    this.endLine[at] = num(chunk.endLine[k], this.line[at]);
    this.bias[at] = num(chunk.bias[k], NaN);
    var s = num(chunk.sev[k], 4);
    this.sev[at] = s >= 0 && s < SEVERITIES.length ? s : 4;
    var c = num(chunk.comp[k], 0);
    this.comp[at] = c >= 0 && c < this.components.length ? c : 0;
    this.thread[at] = num(chunk.thread[k], NaN);
    this.msg[at] = typeof chunk.msg[k] === 'string' ? chunk.msg[k] : '';
    var keys = chunk.keys[k];
    if (Array.isArray(keys) && keys.length) {
      var clean = [];
      for (var j = 0; j < keys.length; j++) {
        if (typeof keys[j] !== 'string') continue;
        clean.push(keys[j]);
        var list = this.keyIndex.get(keys[j]);
        if (!list) this.keyIndex.set(keys[j], (list = []));
        if (list[list.length - 1] !== at) list.push(at);
      }
      this.keys[at] = clean.length ? clean : null;
    } else this.keys[at] = null;
  }
  this.n = start + count;
  return start;
};

/** Fills `row` (reused, no allocation per row) with what a filter reads of row i. */
Store.prototype.rowFor = function (i, row) {
  var t = this.t[i];
  var th = this.thread[i];
  var file = this.files[this.file[i]];
  row.t = t === t ? t : null;
  row.uri = file ? file.uri : '';
  row.severity = SEVERITIES[this.sev[i]];
  row.component = this.components[this.comp[i]] || '';
  row.thread = th === th ? th : null;
  row.message = this.msg[i];
  row.keys = this.keys[i] || EMPTY;
  return row;
};

/** Appends to `out` (from position outCount) the indices in [from, to) that pass; returns the new count. */
function filterInto(store, compiled, from, to, out, outCount) {
  var row = {};
  if (compiled.trivial) {
    for (var i = from; i < to; i++) out[outCount++] = i;
    return outCount;
  }
  for (var j = from; j < to; j++) if (compiled.test(store.rowFor(j, row))) out[outCount++] = j;
  return outCount;
}

// ===========================================================================================================
// The UI

function start(vscode) {
  var ROW_H = 20;
  var MAX_SCROLL_HEIGHT = 15000000;
  var OVERSCAN = 8;
  var LABEL_W = 150;
  var AXIS_H = 18;
  var HIST_H = 34;
  var CHAIN_MAX = 1000;

  var $ = function (id) { return document.getElementById(id); };
  var saved = vscode.getState() || {};
  var ui = {
    timeMode: TIME_MODES.indexOf(saved.timeMode) >= 0 ? saved.timeMode : 'utc',
    // True once the user picks a mode in this panel: the cmlogs.timeDisplay setting then no longer overrides it.
    timeModeChosen: saved.timeModeChosen === true,
    laneMode: saved.laneMode === 'component' ? 'component' : 'file',
    aroundSeconds: typeof saved.aroundSeconds === 'number' ? saved.aroundSeconds : 30,
  };
  var filter = emptyFilter();
  var compiled = compileFilter(filter);

  var store = new Store();
  var view = new Int32Array(1024);
  var viewCount = 0;
  var generation = -1;
  var total = 0;
  var loading = false;
  var truncated = false;
  var maxRows = 0;
  var offsets = {};
  var serverKey = null;
  var focusKey = null;
  var selected = -1;
  var linkKeys = [];
  var linked = [];
  var linkedMark = new Uint8Array(0);
  var anchor = null; // {sel:{uri,line}, top:{uri,line}} while a reload in place runs
  var holdRender = false;
  var range = { from: 0, to: 1, auto: true };
  var colors = {};

  var list = $('list'), spacer = $('spacer'), rowsEl = $('rows'), canvas = $('overviewCanvas');
  var pool = [];
  // Sizes and the scroll position are read only when they change (resize, scroll events), never in a frame
  // after the DOM was touched: such a read forces a synchronous layout and makes scrolling stutter.
  var sizes = { listH: list.clientHeight || 1, canvasW: canvas.clientWidth || 1 };
  var scrollPos = 0;
  var viewVersion = 0;
  // The list itself is observed, not the page: its height also changes when the page does not (the overview grows
  // with its lanes, the banner or the status line appear, the toolbar wraps). A stale height drew the last rows
  // below the list's bottom edge, out of reach of the scrollbar.
  var resized = new ResizeObserver(function () {
    sizes.listH = list.clientHeight || 1;
    sizes.canvasW = canvas.clientWidth || 1;
    dirty();
  });
  resized.observe(list);
  resized.observe(canvas);

  /** Scrolls the list programmatically (spacer first, so the browser does not clamp the position). */
  function setScroll(value) {
    lastSpacer = virtualWindow(0, sizes.listH, ROW_H, viewCount, 0, MAX_SCROLL_HEIGHT).spacerHeight;
    spacer.style.height = lastSpacer + 'px';
    list.scrollTop = value;
    scrollPos = list.scrollTop;
    scheduleRender();
  }

  // ----- helpers over the store --------------------------------------------------------------------------

  function fileOf(i) { return store.files[store.file[i]] || { uri: '', file: '', name: '?', clockOffsetMs: 0 }; }
  function offsetOf(file) { return offsets[file.uri] !== undefined ? offsets[file.uri] : file.clockOffsetMs || 0; }
  function tOf(i) { var t = store.t[i]; return t === t ? t : null; }
  function biasOf(i) { var b = store.bias[i]; return b === b ? b : null; }
  function timeText(i, mode) { return formatTime(tOf(i), mode || ui.timeMode, biasOf(i), offsetOf(fileOf(i))); }
  function identity(i) { return i >= 0 && i < store.n ? { uri: fileOf(i).uri, line: store.line[i] } : null; }

  function ensureView(n) {
    if (view.length >= n) return;
    var cap = view.length;
    while (cap < n) cap *= 2;
    var next = new Int32Array(cap);
    next.set(view.subarray(0, viewCount));
    view = next;
  }

  function persist() {
    vscode.setState({ timeMode: ui.timeMode, timeModeChosen: ui.timeModeChosen, laneMode: ui.laneMode, aroundSeconds: ui.aroundSeconds });
  }

  // ----- messages from the extension ---------------------------------------------------------------------

  window.addEventListener('message', function (event) {
    var m = event.data;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'begin': return onBegin(m);
      case 'rows': return onRows(m);
      case 'end': return onEnd(m);
      case 'clockOffsets': offsets = m.offsets && typeof m.offsets === 'object' ? m.offsets : {}; renderFiles(); invalidateRows(); scheduleRender(); return;
      case 'settings': return onSettings(m);
      case 'status': return setStatus(String(m.text || ''), !!m.error);
    }
  });

  function onSettings(m) {
    var mode = settingsTimeMode(m, ui.timeModeChosen);
    if (mode === null) return;
    ui.timeModeChosen = false;
    setTimeMode(mode);
  }

  function setTimeMode(mode) {
    ui.timeMode = mode;
    $('timeMode').value = mode;
    persist();
    invalidateRows();
    renderDetails();
    renderChain();
    dirty();
  }

  function onBegin(m) {
    anchor = m.keepView && store.n ? { sel: identity(selected), top: viewCount ? identity(view[Math.min(viewCount - 1, Math.floor(currentWindow().exact))]) : null } : null;
    holdRender = !!anchor;
    generation = m.generation;
    total = num(m.total, 0);
    maxRows = num(m.maxRows, 0);
    loading = true;
    truncated = false;
    store = new Store();
    store.files = Array.isArray(m.files) ? m.files.slice() : [];
    viewCount = 0;
    viewVersion++;
    selected = -1;
    linked = [];
    linkedMark = new Uint8Array(0);
    serverKey = typeof m.serverKey === 'string' ? m.serverKey : null;
    focusKey = typeof m.focusKey === 'string' ? m.focusKey : null;
    linkKeys = focusKey ? [focusKey] : [];
    if (!m.keepView) {
      range.auto = true;
      setScroll(0);
    }
    renderFileSelect();
    renderFiles();
    renderBanner();
    renderDetails();
    renderChain();
    updateStatus();
    dirty();
  }

  function onRows(m) {
    if (m.generation !== generation || !m.chunk) return;
    var first = store.append(m.chunk);
    ensureView(store.n);
    viewCount = filterInto(store, compiled, first, store.n, view, viewCount);
    viewVersion++;
    if (linkKeys.length) growLinks(first);
    if (m.chunk.addFiles && m.chunk.addFiles.length) { renderFileSelect(); renderFiles(); }
    if (m.chunk.addComponents && m.chunk.addComponents.length) componentsDirty = true;
    if (anchor) tryAnchor(first);
    else if (selected < 0 && focusKey && linked.length) select(linked[0], true);
    throttledPanels();
    updateStatus();
    dirty();
  }

  function onEnd(m) {
    if (m.generation !== generation) return;
    loading = false;
    total = num(m.total, total);
    truncated = !!m.truncated;
    if (anchor) {
      anchor = null;
      holdRender = false;
    }
    renderComponentSelect();
    renderFiles();
    renderChain();
    renderBanner();
    updateStatus();
    dirty();
  }

  function tryAnchor(from) {
    var a = anchor;
    for (var i = from; i < store.n; i++) {
      if (a.sel && store.line[i] === a.sel.line && fileOf(i).uri === a.sel.uri) {
        a.sel = null;
        selected = i;
        recomputeLinks();
      }
      if (a.top && store.line[i] === a.top.line && fileOf(i).uri === a.top.uri) {
        a.top = null;
        a.topIndex = i;
      }
    }
    if (!a.sel && !a.top) {
      anchor = null;
      holdRender = false;
      var pos = a.topIndex !== undefined ? positionOf(view, viewCount, a.topIndex) : -1;
      if (pos >= 0) setScroll(scrollTopForRow(pos, sizes.listH, ROW_H, viewCount, MAX_SCROLL_HEIGHT));
      renderDetails();
    }
  }

  // ----- filters -----------------------------------------------------------------------------------------

  function setFilter(change) {
    for (var k in change) if (Object.prototype.hasOwnProperty.call(change, k)) filter[k] = change[k];
    refilter();
  }

  function refilter() {
    compiled = compileFilter(filter);
    var err = $('textError');
    err.textContent = compiled.error || '';
    $('text').setAttribute('aria-invalid', compiled.error ? 'true' : 'false');
    ensureView(store.n);
    var keepIndex = selected;
    viewCount = filterInto(store, compiled, 0, store.n, view, 0);
    viewVersion++;
    syncControls();
    updateStatus();
    var pos = keepIndex >= 0 ? positionOf(view, viewCount, keepIndex) : -1;
    if (pos >= 0) scrollIntoView(pos, true);
    else setScroll(Math.min(scrollPos, scrollTopForRow(viewCount, sizes.listH, ROW_H, viewCount, MAX_SCROLL_HEIGHT)));
    dirty();
  }

  function syncControls() {
    $('errorsOnly').setAttribute('aria-pressed', filter.errorsOnly ? 'true' : 'false');
    $('around').setAttribute('aria-pressed', filter.around ? 'true' : 'false');
    $('file').value = filter.files && filter.files.length === 1 ? filter.files[0] : '';
    $('component').value = filter.components && filter.components.length === 1 ? filter.components[0] : '';
    var boxes = document.querySelectorAll('#severities input[data-sev]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = !filter.severities || filter.severities.indexOf(boxes[i].getAttribute('data-sev')) >= 0;
    var fileBoxes = document.querySelectorAll('#filesBody input[type=checkbox]');
    for (var j = 0; j < fileBoxes.length; j++) fileBoxes[j].checked = !filter.files || filter.files.indexOf(fileBoxes[j].dataset.uri) >= 0;
    renderBanner();
  }

  var textTimer = 0;
  $('text').addEventListener('input', function () {
    clearTimeout(textTimer);
    textTimer = setTimeout(function () { setFilter({ text: $('text').value.slice(0, MAX_TEXT) }); }, 200);
  });
  $('regex').addEventListener('change', function () { setFilter({ regex: $('regex').checked }); });
  $('matchCase').addEventListener('change', function () { setFilter({ matchCase: $('matchCase').checked }); });
  $('severities').addEventListener('change', function () {
    var boxes = document.querySelectorAll('#severities input[data-sev]');
    var chosen = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) chosen.push(boxes[i].getAttribute('data-sev'));
    setFilter({ severities: chosen.length === SEVERITIES.length ? null : chosen });
  });
  $('errorsOnly').addEventListener('click', function () { setFilter({ errorsOnly: !filter.errorsOnly }); });
  $('component').addEventListener('change', function () { var v = $('component').value; setFilter({ components: v ? [v] : null }); });
  $('file').addEventListener('change', function () { var v = $('file').value; setFilter({ files: v ? [v] : null }); });
  $('thread').addEventListener('change', function () {
    var v = $('thread').value.trim();
    var n = v === '' ? null : Number(v);
    $('thread').setAttribute('aria-invalid', n !== null && !(isFinite(n) && n >= 0) ? 'true' : 'false');
    if (n === null || (isFinite(n) && n >= 0)) setFilter({ thread: n === null ? null : Math.floor(n) });
  });
  function timeInput(id, field) {
    $(id).addEventListener('change', function () {
      var t = parseUtcInput($(id).value);
      $(id).setAttribute('aria-invalid', t !== t ? 'true' : 'false');
      if (t === t) {
        var change = {};
        change[field] = t;
        setFilter(change);
      }
    });
  }
  timeInput('from', 'fromUtc');
  timeInput('to', 'toUtc');
  $('aroundSeconds').value = String(ui.aroundSeconds);
  $('aroundSeconds').addEventListener('change', function () {
    var n = Number($('aroundSeconds').value);
    ui.aroundSeconds = isFinite(n) ? Math.max(0, Math.min(86400, n)) : 30;
    $('aroundSeconds').value = String(ui.aroundSeconds);
    persist();
    if (filter.around) setFilter({ around: { t: filter.around.t, seconds: ui.aroundSeconds } });
  });
  $('around').addEventListener('click', function () {
    if (filter.around) return setFilter({ around: null });
    var t = selected >= 0 ? tOf(selected) : null;
    if (t === null) return setStatus('Select a record with a time first.', true);
    setFilter({ around: { t: t, seconds: ui.aroundSeconds } });
  });
  $('clear').addEventListener('click', function () {
    filter = emptyFilter();
    $('text').value = '';
    $('regex').checked = false;
    $('matchCase').checked = false;
    $('thread').value = '';
    $('from').value = '';
    $('to').value = '';
    refilter();
  });
  $('timeMode').value = ui.timeMode;
  $('timeMode').addEventListener('change', function () {
    var mode = $('timeMode').value;
    if (TIME_MODES.indexOf(mode) < 0) return;
    ui.timeModeChosen = true;
    setTimeMode(mode);
  });
  $('laneMode').value = ui.laneMode;
  $('laneMode').addEventListener('change', function () { ui.laneMode = $('laneMode').value === 'component' ? 'component' : 'file'; persist(); dirty(); });
  $('exportCsv').addEventListener('click', function () { vscode.postMessage({ type: 'export', format: 'csv', filter: filter }); });
  $('exportNdjson').addEventListener('click', function () { vscode.postMessage({ type: 'export', format: 'ndjson', filter: filter }); });
  $('bannerAll').addEventListener('click', function () { vscode.postMessage({ type: 'setKey', key: null }); });
  $('bannerFilter').addEventListener('click', function () { setFilter({ key: filter.key ? null : focusKey }); });

  // ----- selection and links -----------------------------------------------------------------------------

  function select(index, scroll) {
    selected = index;
    recomputeLinks();
    if (scroll) {
      var pos = positionOf(view, viewCount, index);
      if (pos >= 0) scrollIntoView(pos, false);
    }
    renderDetails();
    renderChain();
    invalidateRows();
    dirty();
  }

  function recomputeLinks() {
    var own = selected >= 0 ? store.keys[selected] : null;
    linkKeys = own && own.length ? own.slice() : focusKey ? [focusKey] : [];
    linked = linkedRows(store.keyIndex, linkKeys);
    linkedMark = new Uint8Array(store.n);
    for (var i = 0; i < linked.length; i++) linkedMark[linked[i]] = 1;
  }

  /** New rows arrived: extend the links without recomputing them. */
  function growLinks(from) {
    if (linkedMark.length < store.n) {
      var next = new Uint8Array(Math.max(store.n, linkedMark.length * 2));
      next.set(linkedMark);
      linkedMark = next;
    }
    for (var i = from; i < store.n; i++) {
      var keys = store.keys[i];
      if (!keys) continue;
      for (var k = 0; k < linkKeys.length; k++) {
        if (keys.indexOf(linkKeys[k]) >= 0) {
          linkedMark[i] = 1;
          linked.push(i);
          break;
        }
      }
    }
  }

  function reveal(index) {
    if (index < 0 || index >= store.n) return;
    vscode.postMessage({ type: 'reveal', uri: fileOf(index).uri, line: store.line[index], endLine: store.endLine[index] });
  }

  var panelTimer = 0;
  function throttledPanels() {
    if (panelTimer) return;
    panelTimer = setTimeout(function () {
      panelTimer = 0;
      if (componentsDirty) renderComponentSelect();
      renderChain();
      renderBanner();
      if (!holdRender) renderDetails();
    }, 400);
  }

  // ----- list (virtualised) ------------------------------------------------------------------------------

  function currentWindow() {
    return virtualWindow(scrollPos, sizes.listH, ROW_H, viewCount, OVERSCAN, MAX_SCROLL_HEIGHT);
  }

  function scrollIntoView(pos, center) {
    var viewport = sizes.listH;
    var rowsVisible = Math.max(1, Math.floor(viewport / ROW_H));
    var w = currentWindow();
    var top = w.exact;
    var target = null;
    if (center) target = Math.max(0, pos - Math.floor(rowsVisible / 2));
    else if (pos < top) target = pos;
    else if (pos > top + rowsVisible - 1) target = pos - rowsVisible + 1;
    if (target !== null) setScroll(scrollTopForRow(target, viewport, ROW_H, viewCount, MAX_SCROLL_HEIGHT));
  }

  function makeRow() {
    var el = document.createElement('div');
    el.className = 'row';
    el.setAttribute('role', 'row');
    var cells = ['c-time', 'c-file', 'c-comp', 'c-thread', 'c-msg'].map(function (cls) {
      var span = document.createElement('span');
      span.className = cls;
      span.setAttribute('role', 'gridcell');
      el.appendChild(span);
      return span;
    });
    return { el: el, cells: cells, index: -1, pos: -1, stamp: '' };
  }

  var rowsStamp = 0;
  function invalidateRows() { rowsStamp++; }

  var headerTime = $('header').querySelector('.c-time');
  var lastSpacer = -1;
  function renderList(w) {
    if (w.spacerHeight !== lastSpacer) {
      lastSpacer = w.spacerHeight;
      spacer.style.height = w.spacerHeight + 'px';
    }
    rowsEl.style.transform = 'translateY(' + w.top + 'px)';
    var need = w.last - w.first;
    while (pool.length < need) {
      var r = makeRow();
      pool.push(r);
      rowsEl.appendChild(r.el);
    }
    for (var k = 0; k < pool.length; k++) {
      var item = pool[k];
      if (k >= need) {
        if (!item.el.hidden) item.el.hidden = true;
        continue;
      }
      var pos = w.first + k;
      var i = view[pos];
      if (item.el.hidden) item.el.hidden = false;
      item.pos = pos;
      var stamp = i + ':' + pos + ':' + rowsStamp + ':' + ui.timeMode;
      if (item.stamp !== stamp) {
        item.stamp = stamp;
        item.index = i;
        var file = fileOf(i);
        var th = store.thread[i];
        item.cells[0].textContent = timeText(i);
        item.cells[1].textContent = file.name;
        item.cells[1].title = file.file;
        item.cells[2].textContent = displayText(store.components[store.comp[i]] || '');
        item.cells[3].textContent = th === th ? String(th) : '';
        item.cells[4].textContent = firstLine(store.msg[i], 1000);
        var cls = 'row sev-' + SEVERITIES[store.sev[i]];
        if (i === selected) cls += ' selected';
        if (linkedMark[i]) cls += ' linked';
        if (focusKey && store.keys[i] && store.keys[i].indexOf(focusKey) >= 0) cls += ' focus';
        if (pos % 2) cls += ' odd';
        item.el.className = cls;
        item.el.setAttribute('aria-selected', i === selected ? 'true' : 'false');
      }
    }
    var heading = ui.timeMode === 'utc' ? 'Time (UTC)' : ui.timeMode === 'log' ? 'Time (log-local)' : 'Time (this computer)';
    if (headerTime.textContent !== heading) headerTime.textContent = heading;
  }

  list.addEventListener('scroll', function () {
    scrollPos = list.scrollTop;
    scheduleRender();
  }, { passive: true });
  function rowIndexFromEvent(event) {
    var el = event.target && event.target.closest ? event.target.closest('.row') : null;
    if (!el) return -1;
    for (var k = 0; k < pool.length; k++) if (pool[k].el === el) return pool[k].index;
    return -1;
  }
  rowsEl.addEventListener('click', function (event) {
    var i = rowIndexFromEvent(event);
    if (i >= 0) select(i, false);
    list.focus();
  });
  rowsEl.addEventListener('dblclick', function (event) {
    var i = rowIndexFromEvent(event);
    if (i >= 0) reveal(i);
  });
  list.addEventListener('keydown', function (event) {
    if (!viewCount) return;
    var pos = selected >= 0 ? positionOf(view, viewCount, selected) : -1;
    var page = Math.max(1, Math.floor(sizes.listH / ROW_H) - 1);
    var next = null;
    switch (event.key) {
      case 'ArrowDown': next = pos < 0 ? Math.floor(currentWindow().exact) : pos + 1; break;
      case 'ArrowUp': next = pos < 0 ? Math.floor(currentWindow().exact) : pos - 1; break;
      case 'PageDown': next = (pos < 0 ? Math.floor(currentWindow().exact) : pos) + page; break;
      case 'PageUp': next = (pos < 0 ? Math.floor(currentWindow().exact) : pos) - page; break;
      case 'Home': next = 0; break;
      case 'End': next = viewCount - 1; break;
      case 'Enter': if (selected >= 0) reveal(selected); event.preventDefault(); return;
      default: return;
    }
    event.preventDefault();
    next = Math.max(0, Math.min(viewCount - 1, next));
    select(view[next], true);
  });

  // ----- side panels -------------------------------------------------------------------------------------

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function button(text, title, onClick) {
    var b = el('button', 'link', text);
    b.type = 'button';
    if (title) b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }

  function renderDetails() {
    var body = $('detailsBody');
    body.replaceChildren();
    if (selected < 0 || selected >= store.n) {
      body.className = 'muted';
      body.textContent = 'Select a record (click, arrows); double-click or Enter opens it in the editor.';
      return;
    }
    body.className = '';
    var i = selected;
    var file = fileOf(i);
    var grid = el('dl', 'props');
    function prop(name, value) {
      grid.appendChild(el('dt', null, name));
      var dd = el('dd');
      if (value instanceof Node) dd.appendChild(value);
      else dd.textContent = value;
      grid.appendChild(dd);
    }
    var t = tOf(i);
    prop('UTC', t === null ? 'no time' : formatTime(t, 'utc'));
    prop('Log-local', t === null ? '' : timeText(i, 'log') + '  ' + zoneLabel('log', biasOf(i)));
    prop('This computer', t === null ? '' : timeText(i, 'machine'));
    var off = offsetOf(file);
    if (off) prop('Clock offset', formatOffset(off));
    prop('File', button(file.name + ':' + store.line[i], 'Open ' + file.file + ' at line ' + store.line[i], function () { reveal(i); }));
    prop('Component', displayText(store.components[store.comp[i]] || ''));
    var th = store.thread[i];
    prop('Thread', th === th ? th + ' (0x' + th.toString(16).toUpperCase() + ')' : '');
    prop('Severity', SEVERITIES[store.sev[i]]);
    var keys = store.keys[i];
    if (keys && keys.length) {
      var box = el('div', 'keys');
      keys.forEach(function (key) {
        var chip = el('span', 'chip');
        chip.appendChild(el('span', 'mono', key));
        chip.appendChild(button('follow', 'Highlight every record with this key', function () { focusKey = key; linkKeys = [key]; linked = linkedRows(store.keyIndex, linkKeys); linkedMark = new Uint8Array(store.n); linked.forEach(function (x) { linkedMark[x] = 1; }); invalidateRows(); renderChain(); renderBanner(); dirty(); }));
        chip.appendChild(button('filter', 'Show only records with this key', function () { focusKey = key; setFilter({ key: key }); }));
        box.appendChild(chip);
      });
      prop('Keys', box);
    }
    body.appendChild(grid);
    var pre = el('pre', 'message');
    var text = store.msg[i];
    pre.textContent = displayText(text.length > 20000 ? text.slice(0, 20000) + '\u2026' : text).replace(/\u21b5/g, '\n');
    body.appendChild(pre);
  }

  function renderChain() {
    var body = $('chainBody');
    body.replaceChildren();
    var count = $('chainCount');
    if (!linkKeys.length) {
      count.textContent = '';
      body.appendChild(el('div', 'muted', 'Select a record that carries a GUID or KB number to follow it across logs.'));
      return;
    }
    var filesSeen = new Set();
    for (var x = 0; x < linked.length; x++) filesSeen.add(store.file[linked[x]]);
    count.textContent = linked.length + ' in ' + filesSeen.size + ' file' + (filesSeen.size === 1 ? '' : 's');
    body.appendChild(el('div', 'muted mono', linkKeys.join(', ')));
    var frag = document.createDocumentFragment();
    var shown = Math.min(linked.length, CHAIN_MAX);
    for (var k = 0; k < shown; k++) {
      (function (i) {
        var item = el('div', 'chain-item sev-' + SEVERITIES[store.sev[i]] + (i === selected ? ' selected' : '') + (positionOf(view, viewCount, i) < 0 ? ' hidden-by-filter' : ''));
        item.tabIndex = 0;
        item.appendChild(el('span', 'c-time', timeText(i)));
        item.appendChild(el('span', 'c-file', fileOf(i).name));
        item.appendChild(el('span', 'c-comp', displayText(store.components[store.comp[i]] || '')));
        item.appendChild(el('span', 'c-msg', firstLine(store.msg[i], 300)));
        item.title = fileOf(i).file + ':' + store.line[i];
        var go = function () { select(i, true); reveal(i); };
        item.addEventListener('click', go);
        item.addEventListener('keydown', function (e) { if (e.key === 'Enter') go(); });
        frag.appendChild(item);
      })(linked[k]);
    }
    body.appendChild(frag);
    if (linked.length > shown) body.appendChild(el('div', 'muted', '+' + (linked.length - shown) + ' more (filter to the key to see them all)'));
  }

  function renderFiles() {
    var body = $('filesBody');
    body.replaceChildren();
    store.files.forEach(function (file) {
      var row = el('div', 'file-row');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !filter.files || filter.files.indexOf(file.uri) >= 0;
      box.dataset.uri = file.uri;
      box.title = 'Show this file';
      box.addEventListener('change', function () {
        var shown = filter.files ? filter.files.slice() : store.files.map(function (f) { return f.uri; });
        var at = shown.indexOf(file.uri);
        if (box.checked && at < 0) shown.push(file.uri);
        if (!box.checked && at >= 0) shown.splice(at, 1);
        setFilter({ files: shown.length === store.files.length ? null : shown });
      });
      row.appendChild(box);
      var name = el('span', 'file-name', file.name);
      name.title = file.file + ' (' + (file.records || 0) + ' records)';
      row.appendChild(name);
      var input = document.createElement('input');
      input.type = 'text';
      input.className = 'offset';
      input.value = formatOffset(offsetOf(file));
      input.title = 'Clock offset added to this file\u2019s times: e.g. -3h, +1.5s, 250ms';
      input.setAttribute('aria-label', 'Clock offset of ' + file.name);
      var apply = function (ms) {
        if (ms === null) { input.setAttribute('aria-invalid', 'true'); return; }
        input.setAttribute('aria-invalid', 'false');
        input.value = formatOffset(ms);
        vscode.postMessage({ type: 'setClockOffset', uri: file.uri, ms: ms });
      };
      input.addEventListener('change', function () { apply(parseOffset(input.value)); });
      row.appendChild(button('\u22121s', 'Shift this lane 1 second earlier', function () { apply(clampOffset(offsetOf(file) - 1000)); }));
      row.appendChild(input);
      row.appendChild(button('+1s', 'Shift this lane 1 second later', function () { apply(clampOffset(offsetOf(file) + 1000)); }));
      body.appendChild(row);
    });
    if (!store.files.length) body.appendChild(el('div', 'muted', 'No files yet.'));
  }

  function clampOffset(ms) { return Math.max(-MAX_CLOCK_OFFSET_MS, Math.min(MAX_CLOCK_OFFSET_MS, ms)); }

  function renderFileSelect() {
    var select = $('file');
    var value = select.value;
    select.replaceChildren(new Option('All files', ''));
    store.files.forEach(function (f) { var o = new Option(f.name, f.uri); o.title = f.file; select.appendChild(o); });
    select.value = value;
    if (select.value !== value) select.value = '';
  }

  var componentsDirty = false;
  function renderComponentSelect() {
    componentsDirty = false;
    var select = $('component');
    var value = filter.components && filter.components.length === 1 ? filter.components[0] : '';
    var names = store.components.slice().sort(function (a, b) { return a.localeCompare(b); });
    select.replaceChildren(new Option('All components', ''));
    for (var i = 0; i < names.length && i < 5000; i++) select.appendChild(new Option(displayText(names[i]) || '(none)', names[i]));
    select.value = value;
  }

  function renderBanner() {
    var banner = $('banner');
    if (!focusKey) {
      banner.hidden = true;
      return;
    }
    banner.hidden = false;
    var n = (store.keyIndex.get(focusKey) || EMPTY).length;
    $('bannerText').textContent = serverKey
      ? 'Showing only the ' + n + ' record' + (n === 1 ? '' : 's') + ' that carry ' + focusKey + '.'
      : 'Highlighting ' + n + ' record' + (n === 1 ? '' : 's') + ' that carry ' + focusKey + '.';
    $('bannerAll').hidden = !serverKey;
    $('bannerFilter').hidden = !!serverKey;
    $('bannerFilter').textContent = filter.key ? 'Show every record' : 'Filter to this key';
  }

  function setStatus(text, error) {
    var s = $('status');
    s.textContent = text;
    s.classList.toggle('error', !!error);
    clearTimeout(statusTimer);
    statusTimer = setTimeout(updateStatus, 8000);
  }
  var statusTimer = 0;

  function updateStatus() {
    var s = $('status');
    s.classList.remove('error');
    var parts = [];
    parts.push(store.n.toLocaleString() + (loading || truncated ? ' of ' + total.toLocaleString() : '') + ' records loaded' + (loading ? '\u2026' : ''));
    parts.push(viewCount.toLocaleString() + ' shown');
    parts.push(store.files.length + ' file' + (store.files.length === 1 ? '' : 's'));
    if (truncated) parts.push('only the latest ' + maxRows.toLocaleString() + ' are loaded; exports include all');
    s.textContent = parts.join(' \u00b7 ');
  }

  // ----- overview ----------------------------------------------------------------------------------------

  var rgba = {};
  var probe = document.createElement('canvas');
  probe.width = probe.height = 1;
  /** A CSS colour (theme variable value) as [r, g, b], by painting one pixel. */
  function toRgba(css) {
    var pg = probe.getContext('2d', { willReadFrequently: true });
    if (!pg) return [128, 128, 128];
    pg.clearRect(0, 0, 1, 1);
    pg.fillStyle = '#808080';
    pg.fillStyle = css;
    pg.fillRect(0, 0, 1, 1);
    var d = pg.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]];
  }

  function readColors() {
    var cs = getComputedStyle(document.body);
    var v = function (name, fallback) { return (cs.getPropertyValue(name) || '').trim() || fallback; };
    colors = {
      fg: v('--vscode-foreground', '#ccc'),
      muted: v('--vscode-descriptionForeground', '#999'),
      error: v('--vscode-errorForeground', '#f48771'),
      warning: v('--vscode-editorWarning-foreground', '#cca700'),
      info: v('--vscode-charts-blue', '#3794ff'),
      link: v('--vscode-charts-purple', '#b180d7'),
      focus: v('--vscode-focusBorder', '#007fd4'),
      grid: v('--vscode-editorIndentGuide-background', 'rgba(128,128,128,0.25)'),
      band: v('--vscode-editor-selectionBackground', 'rgba(38,79,120,0.5)'),
      bg: v('--vscode-editor-background', '#1e1e1e'),
      font: v('--vscode-font-family', 'sans-serif'),
    };
    rgba = { error: toRgba(colors.error), warning: toRgba(colors.warning), fg: toRgba(colors.fg) };
  }
  readColors();
  new MutationObserver(function () { readColors(); dirty(); }).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });

  function extent() {
    if (!(store.minT === store.minT)) return null;
    var span = Math.max(1000, store.maxT - store.minT);
    return { from: store.minT - span * 0.02, to: store.maxT + span * 0.02 };
  }

  function plotWidth() { return Math.max(10, sizes.canvasW - LABEL_W); }
  function xOf(t) { return LABEL_W + ((t - range.from) / (range.to - range.from)) * plotWidth(); }
  function tAt(x) { return range.from + ((x - LABEL_W) / plotWidth()) * (range.to - range.from); }

  function setRange(from, to) {
    var span = to - from;
    var all = extent();
    var maxSpan = Math.max(86400000, all ? (all.to - all.from) * 4 : 0);
    if (span < 5) { var c = (from + to) / 2; from = c - 2.5; to = c + 2.5; }
    if (span > maxSpan) { var m = (from + to) / 2; from = m - maxSpan / 2; to = m + maxSpan / 2; }
    range.from = from;
    range.to = to;
    range.auto = false;
    dirty();
  }

  function zoom(factor, centerT) {
    var c = centerT === undefined ? (range.from + range.to) / 2 : centerT;
    setRange(c - (c - range.from) * factor, c + (range.to - c) * factor);
  }

  var base = document.createElement('canvas');
  var baseDirty = true;
  var baseHeight = 0;
  var lastBase = 0;
  var baseTimer = 0;
  var lanesCache = { key: '', lanes: null };
  var laneCanvas = document.createElement('canvas');

  /** The overview: a cached base layer (axis, histogram, lanes) and an overlay (list span, selection, brush). */
  function drawOverview() {
    var dpr = window.devicePixelRatio || 1;
    var width = sizes.canvasW;
    if (range.auto) {
      var e = extent();
      if (e && (e.from !== range.from || e.to !== range.to)) {
        range.from = e.from;
        range.to = e.to;
        baseDirty = true;
      }
    }
    if (baseDirty || base.width !== Math.round(width * dpr)) {
      var now = performance.now();
      if (loading && now - lastBase < 500 && base.width === Math.round(width * dpr)) {
        // While rows stream in, redraw the base at most twice a second.
        if (!baseTimer) baseTimer = setTimeout(function () { baseTimer = 0; scheduleRender(); }, 520 - (now - lastBase));
      } else {
        baseDirty = false;
        lastBase = now;
        drawBase(width, dpr);
      }
    }
    if (canvas.width !== base.width || canvas.height !== base.height) {
      canvas.width = base.width;
      canvas.height = base.height;
      canvas.style.height = baseHeight + 'px';
    }
    var g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(base, 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (!(store.minT === store.minT)) return;
    var height = baseHeight;
    var W = Math.max(1, Math.floor(plotWidth()));
    if (viewCount) {
      var w = frameWindow;
      var firstT = store.t[view[Math.min(viewCount - 1, Math.floor(w.exact))]];
      var lastT = store.t[view[Math.min(viewCount - 1, Math.floor(w.exact) + Math.floor(sizes.listH / ROW_H))]];
      if (firstT === firstT && lastT === lastT) {
        var xa = Math.max(LABEL_W, xOf(firstT)), xb = Math.min(LABEL_W + W, xOf(lastT));
        if (xb >= xa - 1) {
          g.globalAlpha = 0.35;
          g.fillStyle = colors.band;
          g.fillRect(xa, AXIS_H, Math.max(2, xb - xa), height - AXIS_H);
          g.globalAlpha = 1;
        }
      }
    }
    var st = selected >= 0 ? store.t[selected] : NaN;
    if (st === st && st >= range.from && st <= range.to) {
      g.fillStyle = colors.focus;
      g.fillRect(Math.round(xOf(st)), AXIS_H, 2, height - AXIS_H);
    }
    if (brush) {
      g.globalAlpha = 0.3;
      g.fillStyle = colors.focus;
      g.fillRect(Math.min(brush.x0, brush.x1), AXIS_H, Math.abs(brush.x1 - brush.x0), height - AXIS_H);
      g.globalAlpha = 1;
    }
  }

  function drawBase(width, dpr) {
    var idCount = ui.laneMode === 'component' ? store.components.length : store.files.length;
    var lanesKey = viewVersion + ':' + ui.laneMode + ':' + idCount;
    if (lanesCache.key !== lanesKey) lanesCache = { key: lanesKey, lanes: buildLanes(ui.laneMode, store, view, viewCount, idCount) };
    var built = lanesCache.lanes;
    var laneCount = built.ids.length;
    var laneH = laneCount ? Math.max(3, Math.min(14, Math.floor(180 / laneCount))) : 14;
    var height = AXIS_H + HIST_H + Math.max(1, laneCount) * laneH + 4;
    baseHeight = height;
    base.width = Math.max(1, Math.round(width * dpr));
    base.height = Math.round(height * dpr);
    var g = base.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px ' + colors.font;
    g.textBaseline = 'middle';
    var W = Math.max(1, Math.floor(plotWidth()));
    if (!(store.minT === store.minT)) {
      g.fillStyle = colors.muted;
      g.fillText(store.n ? 'These records have no timestamps.' : loading ? 'Loading\u2026' : 'No records.', LABEL_W, AXIS_H + 10);
      $('span').textContent = '';
      return;
    }
    var span = range.to - range.from;
    $('span').textContent = formatDuration(span) + ' shown';

    // Axis and grid, in UTC (or this computer's zone when that is the mode).
    var tz = ui.timeMode === 'machine' ? new Date((range.from + range.to) / 2).getTimezoneOffset() : 0;
    var tk = ticks(range.from, range.to, W, 90, tz);
    g.fillStyle = colors.muted;
    g.fillText(ui.timeMode === 'machine' ? 'local' : 'UTC', 4, AXIS_H / 2);
    for (var i = 0; i < tk.length; i++) {
      var x = Math.round(xOf(tk[i].t)) + 0.5;
      g.fillStyle = colors.grid;
      g.fillRect(x, AXIS_H - 4, 1, height - AXIS_H + 4);
      g.fillStyle = colors.muted;
      g.fillText(tk[i].label, x + 3, AXIS_H / 2);
    }

    // One pass over the rows in range: density per lane and pixel, and errors/warnings per pixel.
    var top = AXIS_H + HIST_H;
    var d = densityBins({ t: store.t, sev: store.sev, ids: ui.laneMode === 'component' ? store.comp : store.file }, built.laneOfId, linkedMark, view, viewCount, range.from, range.to, W, laneCount);
    var counts = d.counts, worst = d.worst, linkedPx = d.linked, maxCount = d.maxCount;

    // Histogram of errors (and warnings) over time, two pixels a bar.
    var bins = Math.max(1, Math.floor(W / 2));
    var errs = new Uint32Array(bins), warns = new Uint32Array(bins);
    for (var xp = 0; xp < W; xp++) {
      var bin = Math.min(bins - 1, xp >> 1);
      errs[bin] += d.errors[xp];
      warns[bin] += d.warnings[xp];
    }
    var peak = 0;
    for (var b = 0; b < bins; b++) if (errs[b] + warns[b] > peak) peak = errs[b] + warns[b];
    var hy = AXIS_H + HIST_H - 2;
    g.fillStyle = colors.muted;
    g.fillText('errors', 4, AXIS_H + HIST_H / 2);
    if (peak) {
      var bw = W / bins;
      for (var b2 = 0; b2 < bins; b2++) {
        var e1 = errs[b2], w1 = warns[b2];
        if (!e1 && !w1) continue;
        var eh = Math.max(e1 ? 1 : 0, ((HIST_H - 6) * e1) / peak);
        var wh = Math.max(w1 ? 1 : 0, ((HIST_H - 6) * w1) / peak);
        var bx = LABEL_W + b2 * bw;
        g.fillStyle = colors.error;
        g.fillRect(bx, hy - eh, Math.max(1, bw - 0.5), eh);
        g.fillStyle = colors.warning;
        g.fillRect(bx, hy - eh - wh, Math.max(1, bw - 0.5), wh);
      }
    }

    var logMax = Math.log(maxCount + 1);
    // One pixel per lane and time column, written straight into an image and stretched to the lane height:
    // thousands of fillRect calls with a colour string each cost tens of milliseconds.
    var sevRgba = [rgba.error, rgba.warning, rgba.fg, rgba.fg, rgba.fg];
    laneCanvas.width = W;
    laneCanvas.height = Math.max(1, laneCount);
    var lg = laneCanvas.getContext('2d');
    if (lg && laneCount) {
      var img = lg.createImageData(W, laneCount);
      var data = img.data;
      for (var cell2 = 0; cell2 < counts.length; cell2++) {
        var n = counts[cell2];
        if (!n) continue;
        var sv = worst[cell2];
        var rgb = sevRgba[sv];
        var o = cell2 * 4;
        data[o] = rgb[0];
        data[o + 1] = rgb[1];
        data[o + 2] = rgb[2];
        data[o + 3] = sv <= 1 ? 255 : Math.round(255 * (0.25 + (0.6 * Math.log(n + 1)) / logMax));
      }
      lg.putImageData(img, 0, 0);
    }
    for (var lane = 0; lane < laneCount; lane++) {
      var y = top + lane * laneH;
      if (lane % 2) {
        g.fillStyle = colors.grid;
        g.globalAlpha = 0.25;
        g.fillRect(LABEL_W, y, W, laneH);
        g.globalAlpha = 1;
      }
      if (laneH >= 9) {
        var id = built.ids[lane];
        var label = ui.laneMode === 'component' ? store.components[id] || '(none)' : (store.files[id] || {}).name || '?';
        g.fillStyle = colors.fg;
        g.fillText(truncate(g, displayText(label), LABEL_W - 8), 4, y + laneH / 2);
      }
    }
    if (laneCount) {
      g.imageSmoothingEnabled = false;
      g.drawImage(laneCanvas, 0, 0, W, laneCount, LABEL_W, top, W, laneCount * laneH);
      g.imageSmoothingEnabled = true;
    }
    // Records linked to the selection, on top, joined in time order: the chain reads across the lanes.
    g.fillStyle = colors.link;
    for (var cell3 = 0; cell3 < linkedPx.length; cell3++) {
      if (linkedPx[cell3]) g.fillRect(LABEL_W + (cell3 % W) - 1, top + Math.floor(cell3 / W) * laneH, 3, laneH);
    }
    var ids = ui.laneMode === 'component' ? store.comp : store.file;
    var chain = chainPoints(linked, store.t, ids, built.laneOfId, view, viewCount, range.from, range.to, W);
    if (chain.length > 1) {
      g.strokeStyle = colors.link;
      g.lineWidth = 1.5;
      g.beginPath();
      for (var q = 0; q < chain.length; q++) {
        var cx = LABEL_W + chain[q].x + 0.5, cy = top + chain[q].lane * laneH + laneH / 2;
        if (q) g.lineTo(cx, cy);
        else g.moveTo(cx, cy);
      }
      g.stroke();
    }

  }

  function truncate(g, text, width) {
    if (g.measureText(text).width <= width) return text;
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (g.measureText(text.slice(0, mid) + '\u2026').width <= width) lo = mid;
      else hi = mid - 1;
    }
    return text.slice(0, lo) + '\u2026';
  }

  var drag = null;
  var brush = null;
  canvas.addEventListener('wheel', function (event) {
    event.preventDefault();
    var rect = canvas.getBoundingClientRect();
    var x = event.clientX - rect.left;
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      var d = (event.deltaX || event.deltaY) * ((range.to - range.from) / plotWidth());
      setRange(range.from + d, range.to + d);
    } else zoom(event.deltaY > 0 ? 1.25 : 0.8, x > LABEL_W ? tAt(x) : undefined);
  }, { passive: false });
  canvas.addEventListener('mousedown', function (event) {
    var rect = canvas.getBoundingClientRect();
    var x = event.clientX - rect.left;
    drag = { x: x, from: range.from, to: range.to, moved: false, shift: event.shiftKey };
    if (event.shiftKey) brush = { x0: x, x1: x };
  });
  window.addEventListener('mousemove', function (event) {
    if (!drag) return;
    var rect = canvas.getBoundingClientRect();
    var x = event.clientX - rect.left;
    if (Math.abs(x - drag.x) > 3) drag.moved = true;
    if (drag.shift) { brush.x1 = x; scheduleRender(); return; }
    if (!drag.moved) return;
    var d = ((x - drag.x) / plotWidth()) * (drag.to - drag.from);
    setRange(drag.from - d, drag.to - d);
  });
  window.addEventListener('mouseup', function (event) {
    if (!drag) return;
    var rect = canvas.getBoundingClientRect();
    var x = event.clientX - rect.left;
    var d = drag;
    drag = null;
    if (d.shift && brush && d.moved) {
      var a = tAt(Math.min(brush.x0, brush.x1)), b = tAt(Math.max(brush.x0, brush.x1));
      brush = null;
      $('from').value = formatWall(Math.round(a));
      $('to').value = formatWall(Math.round(b));
      setFilter({ fromUtc: Math.round(a), toUtc: Math.round(b) });
      return;
    }
    brush = null;
    if (!d.moved && x > LABEL_W) jumpTo(tAt(x));
    scheduleRender();
  });
  canvas.addEventListener('keydown', function (event) {
    if (event.key === '+' || event.key === '=') zoom(0.8);
    else if (event.key === '-') zoom(1.25);
    else if (event.key === 'ArrowLeft') setRange(range.from - (range.to - range.from) * 0.1, range.to - (range.to - range.from) * 0.1);
    else if (event.key === 'ArrowRight') setRange(range.from + (range.to - range.from) * 0.1, range.to + (range.to - range.from) * 0.1);
    else return;
    event.preventDefault();
  });

  function jumpTo(t) {
    if (!viewCount) return;
    var pos = Math.min(viewCount - 1, lowerBound(store.t, view, viewCount, t));
    select(view[pos], false);
    scrollIntoView(pos, true);
  }

  $('zoomIn').addEventListener('click', function () { zoom(0.5); });
  $('zoomOut').addEventListener('click', function () { zoom(2); });
  $('zoomFit').addEventListener('click', function () { range.auto = true; dirty(); });
  $('zoomSel').addEventListener('click', function () {
    var t = selected >= 0 ? tOf(selected) : null;
    if (t === null) return setStatus('Select a record with a time first.', true);
    var half = Math.max(50, ui.aroundSeconds * 1000);
    setRange(t - half, t + half);
  });

  // ----- frame -------------------------------------------------------------------------------------------

  var frame = 0;
  var frameWindow = null;
  /** Marks the overview's base layer (lanes, histogram, axis) for redrawing; scrolling redraws only the overlay. */
  function dirty() {
    baseDirty = true;
    scheduleRender();
  }
  function scheduleRender() {
    if (frame) return;
    frame = requestAnimationFrame(function () {
      frame = 0;
      if (holdRender) return;
      frameWindow = currentWindow();
      renderList(frameWindow);
      drawOverview();
    });
  }
  window.addEventListener('resize', dirty);

  renderFiles();
  renderDetails();
  renderChain();
  updateStatus();
  scheduleRender();
  vscode.postMessage({ type: 'ready' });
}

export {
  formatWall,
  formatTime,
  biasZone,
  zoneLabel,
  formatDuration,
  parseOffset,
  formatOffset,
  parseUtcInput,
  displayText,
  firstLine,
  buildLanes,
  virtualWindow,
  scrollTopForRow,
  lowerBound,
  positionOf,
  ticks,
  densityBins,
  chainPoints,
  settingsTimeMode,
  linkedRows,
  Store,
  filterInto,
  start,
};
