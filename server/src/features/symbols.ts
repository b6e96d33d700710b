// Outline: START/END blocks and banner sections, then one entry per component with its errors beneath.
// Workspace symbols: GUIDs and KB numbers known to the index.
import { SymbolKind, type DocumentSymbol, type FoldingRange, type SymbolInformation } from 'vscode-languageserver';
import type { LogIndex } from '../core/logIndex';
import type { LogRecord } from '../core/record';
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

/** Blocks a reader thinks in: WindowsUpdate.log "* START * Finding updates" … "* END * Finding updates", banners. */
export function findBlocks(records: RecordTable): Block[] {
  const blocks: Block[] = [];
  const openByName = new Map<string, Block>();
  for (const r of records) {
    const text = r.message;
    const start = WU_START.exec(text);
    if (start) {
      const name = start[1].replace(/\s(?:CallerId|ClientId)\b[^]*$/, '').trim();
      const block = { name: `START ${name}`, startLine: r.line, endLine: r.endLine };
      openByName.set(`${r.thread}:${name}`, block);
      blocks.push(block);
      continue;
    }
    const end = WU_END.exec(text);
    if (end) {
      const block = openByName.get(`${r.thread}:${end[1].trim()}`);
      if (block) block.endLine = r.endLine;
      continue;
    }
    const banner = text.length < 300 ? bannerTitle(text) : null;
    if (banner) blocks.push({ name: banner, startLine: r.line, endLine: r.endLine });
  }
  return blocks;
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

export function documentSymbols(records: RecordTable): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = findBlocks(records).map((b) =>
    symbol(b.name, SymbolKind.Namespace, b.startLine, b.endLine),
  );
  const byComponent = new Map<string, LogRecord[]>();
  for (const r of records) {
    const name = r.component || '(no component)';
    if (!byComponent.has(name)) byComponent.set(name, []);
    byComponent.get(name)!.push(r);
  }
  for (const [name, list] of byComponent) {
    const first = list[0];
    const errors = list.filter((r) => r.severity === 'error').slice(0, MAX_ERRORS_PER_COMPONENT);
    const s = symbol(`${name} (${list.length})`, SymbolKind.Module, first.line, first.endLine);
    s.children = errors.map((r) =>
      symbol(r.message.split('\n', 1)[0].slice(0, 120) || '(empty)', SymbolKind.Event, r.line, r.endLine),
    );
    // A parent must contain its children: stretch it over them.
    if (errors.length)
      s.range = {
        start: s.range.start,
        end: { line: Math.max(s.range.end.line, errors[errors.length - 1].endLine - 1), character: 0 },
      };
    symbols.push(s);
  }
  return symbols;
}

function symbol(name: string, kind: SymbolKind, startLine: number, endLine: number): DocumentSymbol {
  const range = { start: { line: startLine - 1, character: 0 }, end: { line: endLine - 1, character: 0 } };
  return { name: inertForTerminal(name), kind, range, selectionRange: { start: range.start, end: range.start } };
}

/** Multi-line records (XML bodies, stack traces) and START/END blocks fold. */
export function foldingRanges(records: RecordTable): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const r of records)
    if (r.endLine > r.line) ranges.push({ startLine: r.line - 1, endLine: r.endLine - 1, kind: 'region' });
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
