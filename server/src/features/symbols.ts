// Outline: START/END blocks and banner sections, then one entry per component with its errors beneath.
// Workspace symbols: GUIDs and KB numbers known to the index.
import { SymbolKind, type DocumentSymbol, type FoldingRange, type SymbolInformation } from 'vscode-languageserver';
import type { LogIndex } from '../core/logIndex';
import { inertForTerminal } from '../core/text';
import { byTime, occurrenceLocation } from './references';
import { RecordTable } from '../core/table';

export interface Block {
  name: string;
  startLine: number; // 1-based
  endLine: number;
}

const WU_START = /^\*\s*START\s*\*\s*(.+)$/;
const WU_END = /^\*\s*END\s*\*\s*(.+?)(?:\s+CallerId|,|$)/;
// "==========[ ccmsetup started in process 476 ]==========", "***** Starting X *****"

/**
 * Blocks a reader thinks in: WindowsUpdate.log "* START * Finding updates" … "* END * Finding updates", banners.
 * Only messages that can open or close one are read as text (see mayMarkBlock): a 48 MB log's outline does not
 * make a string of each of its 200,000 messages.
 */
export function findBlocks(records: RecordTable): Block[] {
  const blocks: Block[] = [];
  const openByName = new Map<string, Block>();
  for (const i of blockCandidates(records)) {
    const text = records.message(i);
    const line = records.line(i);
    const endLine = records.endLine(i);
    const start = WU_START.exec(text);
    if (start) {
      const name = start[1].replace(/\s(?:CallerId|ClientId)\b[^]*$/, '').trim();
      const block = { name: `START ${name}`, startLine: line, endLine };
      openByName.set(`${records.thread(i)}:${name}`, block);
      blocks.push(block);
      continue;
    }
    const end = WU_END.exec(text);
    if (end) {
      const block = openByName.get(`${records.thread(i)}:${end[1].trim()}`);
      if (block) block.endLine = endLine;
      continue;
    }
    const banner = text.length < 300 ? bannerTitle(text) : null;
    if (banner) blocks.push({ name: banner, startLine: line, endLine });
  }
  return blocks;
}

/** The records whose message may open or close a block, by its first bytes (no string made for the others). */
function blockCandidates(records: RecordTable): number[] {
  const out: number[] = [];
  records.scanMessages(0, (bytes, start, end, i) => {
    if (mayMarkBlock(bytes, start, end)) out.push(i);
  });
  return out;
}

const STAR = 0x2a;
const EQUALS = 0x3d;
const DASH = 0x2d;

/**
 * Whether a message starts (after white space) with `*`, `=` or `-`, as every START/END line and banner does; a
 * message starting with a non-ASCII byte is read too (it may be white space that trim() drops).
 */
function mayMarkBlock(bytes: Uint8Array, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const b = bytes[at];
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
    return b === STAR || b === EQUALS || b === DASH || b >= 0x80;
  }
  return false;
}

/**
 * The title of a banner line — "==========[ ccmsetup started in process 476 ]==========", "***** Starting X *****":
 * a run of 5+ of one of = * - before, 3+ after. Read with loops: as a regular expression this backtracks badly.
 */
export function bannerTitle(line: string): string | null {
  const text = line.trim();
  const mark = text[0];
  if (mark !== '=' && mark !== '*' && mark !== '-') return null;
  let start = 0;
  while (text[start] === mark) start++;
  let end = text.length;
  while (end > start && '=*-'.includes(text[end - 1])) end--;
  if (start < 5 || text.length - end < 3) return null;
  const title = text.slice(start, end).trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  return title ? title : null;
}

const MAX_ERRORS_PER_COMPONENT = 200;

/**
 * The outline: blocks, then each component (in order of first appearance) with its record count and its first
 * errors. Counted from the columns; the only messages read are those of the errors listed and of block lines.
 */
export function documentSymbols(records: RecordTable): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = findBlocks(records).map((b) =>
    symbol(b.name, SymbolKind.Namespace, b.startLine, b.endLine),
  );
  for (const [name, group] of componentGroups(records)) {
    const s = symbol(
      `${name} (${group.count})`,
      SymbolKind.Module,
      records.line(group.first),
      records.endLine(group.first),
    );
    s.children = group.errors.map((i) =>
      symbol(
        records.message(i).split('\n', 1)[0].slice(0, 120) || '(empty)',
        SymbolKind.Event,
        records.line(i),
        records.endLine(i),
      ),
    );
    // A parent must contain its children: stretch it over them.
    const last = group.errors[group.errors.length - 1];
    if (last !== undefined)
      s.range = {
        start: s.range.start,
        end: { line: Math.max(s.range.end.line, records.endLine(last) - 1), character: 0 },
      };
    symbols.push(s);
  }
  return symbols;
}

interface ComponentGroup {
  count: number;
  /** The component's first record, and its first error records (at most MAX_ERRORS_PER_COMPONENT). */
  first: number;
  errors: number[];
}

/** Records by component name (none: "(no component)"), in order of first appearance. */
function componentGroups(records: RecordTable): Map<string, ComponentGroup> {
  const byId = new Map<number, ComponentGroup>();
  const byName = new Map<string, ComponentGroup>();
  for (let i = 0; i < records.length; i++) {
    const id = records.componentId(i);
    let group = byId.get(id);
    if (!group) {
      const name = records.componentName(id) || '(no component)';
      group = byName.get(name);
      if (!group) byName.set(name, (group = { count: 0, first: i, errors: [] }));
      byId.set(id, group);
    }
    group.count++;
    if (group.errors.length < MAX_ERRORS_PER_COMPONENT && records.severity(i) === 'error') group.errors.push(i);
  }
  return byName;
}

function symbol(name: string, kind: SymbolKind, startLine: number, endLine: number): DocumentSymbol {
  const range = { start: { line: startLine - 1, character: 0 }, end: { line: endLine - 1, character: 0 } };
  return { name: inertForTerminal(name), kind, range, selectionRange: { start: range.start, end: range.start } };
}

/** Multi-line records (XML bodies, stack traces) and START/END blocks fold. */
export function foldingRanges(records: RecordTable): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (let i = 0; i < records.length; i++) {
    const line = records.line(i);
    const endLine = records.endLine(i);
    if (endLine > line) ranges.push({ startLine: line - 1, endLine: endLine - 1, kind: 'region' });
  }
  for (const b of findBlocks(records))
    if (b.endLine > b.startLine) ranges.push({ startLine: b.startLine - 1, endLine: b.endLine - 1, kind: 'region' });
  return ranges;
}

const MAX_WORKSPACE_SYMBOLS = 500;

/** GUIDs and KB numbers containing the query; each points at its first occurrence in time. */
export function workspaceSymbols(index: LogIndex, query: string): SymbolInformation[] {
  const q = query.replace(/[{}]/g, '').toLowerCase();
  const out: SymbolInformation[] = [];
  for (const key of index.keys()) {
    if (q && !key.toLowerCase().includes(q)) continue;
    const first = byTime(index.occurrences(key))[0];
    if (!first) continue;
    const kind = key.startsWith('KB') ? SymbolKind.Number : SymbolKind.Key;
    out.push({
      name: key.startsWith('KB') ? key : `{${key}}`,
      kind,
      location: occurrenceLocation(first),
      containerName: first.record.component,
    });
    if (out.length >= MAX_WORKSPACE_SYMBOLS) break;
  }
  return out;
}
