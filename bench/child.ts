// The benchmark's child process: parse+index (and hover, timeline) in a process of its own, so that its peak RSS
// is its own. bench/run.ts bundles this file with esbuild into bench/out/child.js, with parallel.js beside it (as
// scripts/build.mjs does for the CLI and the language server), and runs the bundle: what is measured is the code
// as it ships, not the TypeScript compiled on the fly by tsx at startup and again in every worker.
//
//   node bench/out/child.js CONFIG_JSON      (prints one line: RESULT {...})
import { statSync } from 'node:fs';
import { LogIndex } from '../server/src/core/logIndex';
import { findKeys, keyAt } from '../server/src/core/keys';
import { parseFilesParallel } from '../server/src/core/parallel';
import { parseFile, type ParseResult } from '../server/src/core/parse';
import { mergeOrder } from '../server/src/core/timeline';
import { Rng } from './generate';

export interface ChildConfig {
  sets: Array<{ name: string; files: string[] }>;
  workers: number;
  hoverSamples: number;
  /** Stop sampling hovers after this long (slow hovers would otherwise make the run take minutes). */
  hoverBudgetMs: number;
  minHoverRecords: number;
  merge: boolean;
  hotKeys: string[];
  seed: number;
}

export interface SetFigures {
  name: string;
  files: number;
  bytes: number;
  records: number;
  ms: number;
  /** Milliseconds from process start (Node startup included) to the set being parsed and indexed. */
  wallMs: number;
  /** CPU milliseconds (user + system, every thread: workers too) from process start to the same point. */
  cpuMs: number;
  maxRssKB: number;
  firstRecordMs: number | null;
  firstRecordSinceStartMs: number | null;
  perFile: Record<string, number>;
}

export interface ChildResult {
  workers: number;
  sets: SetFigures[];
  maxRssKB: number;
  hover?: HoverFigures;
  merge?: { sources: number; records: number; ms: number; maxRssKB: number };
}

export interface HoverFigures {
  records: number;
  files: number;
  samples: number;
  /** True when the time budget ended sampling before `hoverSamples`. */
  truncated: boolean;
  onKey: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  hotKey?: { key: string; occurrences: number; ms: number };
}

/** CPU time of the whole process so far (getrusage: the worker threads' too), in ms. */
function cpuSinceStart(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function child(config: ChildConfig): Promise<void> {
  const index = new LogIndex();
  const all: ParseResult[] = [];
  const sets: SetFigures[] = [];
  for (const set of config.sets) {
    const bytes = set.files.reduce((n, f) => n + statSize(f), 0);
    let first: number | null = null;
    const t0 = performance.now();
    let results: ParseResult[];
    if (config.workers <= 1) {
      // In-thread, file after file, each indexed as soon as it is parsed (what the language server does).
      results = [];
      for (const file of set.files) {
        const result = await parseFile(file, { keys: true }); // as the language server reads a log
        index.setFile(result);
        if (first === null) first = performance.now(); // the first file can be hovered from here on
        results.push(result);
      }
    } else {
      // Workers parse; this thread rebuilds records and indexes each file as it completes.
      results = await parseFilesParallel(set.files, config.workers, {
        keys: true,
        onResult: (r) => {
          if (first === null) first = performance.now();
          index.setFile(r);
        },
      });
    }
    const t1 = performance.now();
    all.push(...results);
    const perFile: Record<string, number> = {};
    for (const r of results) perFile[r.file] = r.records.length;
    sets.push({
      name: set.name,
      files: set.files.length,
      bytes,
      records: results.reduce((n, r) => n + r.records.length, 0),
      ms: t1 - t0,
      wallMs: t1,
      cpuMs: cpuSinceStart(),
      maxRssKB: process.resourceUsage().maxRSS,
      firstRecordMs: first === null ? null : (first as number) - t0,
      firstRecordSinceStartMs: first,
      perFile,
    });
  }
  const out: ChildResult = { workers: config.workers, sets, maxRssKB: process.resourceUsage().maxRSS };
  if (config.hoverSamples > 0) out.hover = hoverBench(index, all, config);
  if (config.merge) {
    const t0 = performance.now();
    const items = mergeOrder(all);
    out.merge = {
      sources: all.length,
      records: items.length,
      ms: performance.now() - t0,
      maxRssKB: process.resourceUsage().maxRSS,
    };
  }
  process.stdout.write('RESULT ' + JSON.stringify(out) + '\n');
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The hover path: the record under the cursor, the key under the cursor, and where else that key occurs. */
function hoverBench(index: LogIndex, results: ParseResult[], config: ChildConfig): HoverFigures {
  // Grow the index to at least minHoverRecords by indexing copies of the files under other names.
  for (let copy = 1; index.recordCount < config.minHoverRecords; copy++) {
    for (const r of results) {
      if (index.recordCount >= config.minHoverRecords) break;
      index.setFile({ ...r, file: `${r.file}#copy${copy}` });
    }
  }
  const names = index.fileNames();
  const cumulative: number[] = [];
  let total = 0;
  for (const name of names) cumulative.push((total += index.file(name)!.records.length));
  const rng = new Rng(config.seed);
  const times: number[] = [];
  let onKey = 0;
  const deadline = performance.now() + config.hoverBudgetMs;
  for (let i = 0; i < config.hoverSamples && performance.now() < deadline; i++) {
    const pick = rng.int(total);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > pick) hi = mid;
      else lo = mid + 1;
    }
    const file = names[lo];
    const line = 1 + rng.int(Math.max(1, index.file(file)!.lineCount));
    const t0 = performance.now();
    const hit = index.recordAt(file, line);
    let elapsed = performance.now() - t0;
    if (hit) {
      // Where the cursor is (not timed): half the time on a key of the message, otherwise anywhere in it.
      const message = hit.record.message;
      let offset = rng.int(message.length + 1);
      if (rng.chance(0.5)) {
        const keys = findKeys(message);
        if (keys.length) offset = keys[rng.int(keys.length)].start + 1;
      }
      const t1 = performance.now();
      const key = keyAt(message, offset);
      if (key) {
        onKey++;
        index.summarize(key.key);
      }
      elapsed += performance.now() - t1;
    }
    times.push(elapsed);
  }
  const sorted = times.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const figures: HoverFigures = {
    records: index.recordCount,
    files: names.length,
    samples: sorted.length,
    truncated: sorted.length < config.hoverSamples,
    onKey,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
  // The worst realistic hover: the GUID that occurs most (the update source every scan mentions).
  const hot = config.hotKeys
    .map((key) => ({ key, occurrences: index.occurrences(key).length }))
    .sort((a, b) => b.occurrences - a.occurrences)[0];
  if (hot && hot.occurrences) {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      index.summarize(hot.key);
      runs.push(performance.now() - t0);
    }
    figures.hotKey = { ...hot, ms: runs.sort((a, b) => a - b)[3] };
  }
  return figures;
}

if (require.main === module) {
  child(JSON.parse(process.argv[2]) as ChildConfig).catch((error) => {
    process.stderr.write(`bench child: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
