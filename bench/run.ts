// npm run bench — one run, every figure of issue #8, with ratios:
//   floor      wc -l and grep -c ']LOG]!><time=' over the CMTrace logs (how fast the bytes can merely be read)
//   ours       parse+index in one thread and on worker threads: time, MB/s, records/s, 100% of records,
//              peak RSS, time until the first file is indexed (each in a child process, so RSS is its own)
//   hover      recordAt + keyAt + summarize at random positions of an index of >= 1M records: p50/p99
//   timeline   mergeOrder (the merged timeline, as the server keeps it) of every file
//   lnav       the same CMTrace logs through lnav (Debian's lnav + bench/lnav/cmtrace.json), when installed
// Results: a table on stdout and bench/out/results.json.
//
//   npm run bench -- --fleet [--machines N] [--mb S] [--big]: cmlogs fleet over a generated fleet (bench/fleet.ts)
//   commands   cmlogs stats / diagnose / timeline --json / parse --json of the CMTrace logs (the bundled CLI as a
//              user runs it, output to /dev/null), against lnav's time in the same run (issue #20's goals)
//   npm run bench [-- --quick] [--scale S] [--workers N] [--no-lnav] [--samples N] [--memory] [--diagnose]
//                 [--no-commands] [--cli-before OLD/cli.js] [--out FILE]
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { ChildConfig, ChildResult } from './child';
import { runFleetBench } from './fleet';
import { ensureCorpus, type Manifest } from './generate';
import { describeServerMemory, measureServerMemoryRows, type ServerMemory } from './memory';
import {
  BIG_LOG_NAME,
  describeFolderOpen,
  describeOpenLog,
  describeServer,
  ensureBigLog,
  measureFolderOpen,
  measureOpenLog,
  measureServer,
  OPEN_LOG_NAME,
  rssPerMB,
  type FolderFigures,
  type OpenLogFigures,
  type ServerFigures,
} from './server';

const OUT = join(__dirname, 'out');
const CHILD = join(OUT, 'child.js');
const MB = 1e6;

// ---- Parent -------------------------------------------------------------------------------------

interface Options {
  quick: boolean;
  scale: number;
  workers: number;
  lnav: boolean;
  samples: number;
  memory: boolean;
  out: string;
  repeat: number;
  server: boolean;
  diagnose: boolean;
  /** Time the CLI's commands (issue #20's table); --no-commands leaves them out. */
  commands: boolean;
  /** Another build of the CLI (its cli.js, with parallel.js beside it) timed in the same run: before/after. */
  cliBefore: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    quick: false,
    scale: 1,
    workers: 2,
    lnav: true,
    samples: 20000,
    memory: false,
    out: '',
    repeat: 1,
    server: true,
    diagnose: false,
    commands: true,
    cliBefore: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--scale') o.scale = Number(argv[++i]);
    else if (a === '--workers') o.workers = Number(argv[++i]);
    else if (a === '--no-lnav') o.lnav = false;
    else if (a === '--no-server') o.server = false;
    else if (a === '--server')
      o.server = true; // with --quick, which leaves the server out otherwise
    else if (a === '--samples') o.samples = Number(argv[++i]);
    else if (a === '--memory') o.memory = true;
    else if (a === '--diagnose') o.diagnose = true;
    else if (a === '--no-commands') o.commands = false;
    else if (a === '--cli-before') o.cliBefore = resolve(argv[++i]);
    else if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: npm run bench -- [--quick] [--scale S] [--workers N] [--no-lnav] [--no-server] [--samples N] [--repeat N] [--memory] [--diagnose] [--no-commands] [--cli-before OLD/cli.js] [--out FILE]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.quick) {
    o.server = argv.includes('--server');
    if (!argv.includes('--scale')) o.scale = 0.1;
    if (!argv.includes('--samples')) o.samples = 5000;
  }
  if (!(o.scale > 0) || !(o.workers >= 0) || !(o.samples >= 0) || !(o.repeat >= 1))
    throw new Error('--scale must be > 0, --workers and --samples >= 0, --repeat >= 1');
  o.out ||= join(OUT, o.quick ? 'results-quick.json' : 'results.json');
  return o;
}

const log = (s = '') => process.stderr.write(s + '\n');

/** Best of `repeat` runs of a child (by the CMTrace set's parse time); other machine load only makes runs slower. */
function bestChild(config: ChildConfig, repeat: number): { result: ChildResult; wallMs: number } {
  // Hover and timeline are measured in the first run only; they are kept whichever run is best.
  const first = runChild(config);
  let best = first;
  // CPU time is taken as the least of any run, like the wall time (the same run need not be best at both).
  const leastCpu = first.result.sets.map((s) => s.cpuMs);
  for (let i = 1; i < repeat; i++) {
    const run = runChild({ ...config, hoverSamples: 0, merge: false });
    run.result.sets.forEach((s, k) => (leastCpu[k] = Math.min(leastCpu[k], s.cpuMs)));
    if (run.result.sets[0].ms < best.result.sets[0].ms) best = run;
  }
  const result =
    best === first ? first.result : { ...best.result, hover: first.result.hover, merge: first.result.merge };
  return {
    result: { ...result, sets: result.sets.map((s, k) => ({ ...s, cpuMs: leastCpu[k] })) },
    wallMs: best.wallMs,
  };
}

/**
 * The child as it would ship: bench/child.ts and the worker entry bundled like scripts/build.mjs bundles the CLI
 * (parallel.ts finds parallel.js beside the bundle). Built once per run, in well under a second.
 */
function buildChild(): void {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    keepNames: true,
    logLevel: 'error',
  } as const;
  buildSync({ ...common, entryPoints: [join(__dirname, 'child.ts')], outfile: CHILD });
  buildSync({
    ...common,
    entryPoints: [join(__dirname, '..', 'server', 'src', 'core', 'parallel.ts')],
    outfile: join(OUT, 'parallel.js'),
  });
  // The language server as scripts/build.mjs bundles it, beside the same parallel.js (bench/server.ts).
  buildSync({
    ...common,
    entryPoints: [join(__dirname, '..', 'server', 'src', 'server.ts')],
    outfile: join(OUT, 'server.js'),
  });
  // The CLI, for its commands (issue #20's table). DuckDB (cmlogs fleet) is a native module loaded from
  // node_modules at run time, never bundled (as scripts/build.mjs has it).
  buildSync({
    ...common,
    entryPoints: [join(__dirname, '..', 'server', 'src', 'cli.ts')],
    outfile: join(OUT, 'cli.js'),
    external: ['@duckdb/node-api'],
  });
}

/** `cmlogs diagnose` of the CMTrace logs, as a user runs it: every documented flow over the whole folder. */
function measureDiagnose(dir: string): { ms: number; maxRssKB: number | null; summary: string } {
  const command = [process.execPath, join(OUT, 'cli.js'), 'diagnose', dir, '--brief'];
  // GNU time (Debian's `time` package) gives the peak RSS; without it, the time alone.
  const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'MAXRSS %M', ...command] : command;
  const t0 = performance.now();
  const run = spawnSync(timed[0], timed.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * MB,
  });
  const ms = performance.now() - t0;
  const rss = /MAXRSS (\d+)/.exec(run.stderr ?? '');
  return {
    ms,
    maxRssKB: rss ? Number(rss[1]) : null,
    summary: (run.stdout ?? '').split('\n')[0] ?? `status ${run.status}`,
  };
}

/** A command of the #20 table: what a user types, and its goal against lnav's time for the same files. */
interface CommandSpec {
  label: string;
  args: string[];
  /** Our time may be at most this many times lnav's (1/3: three times faster than lnav). */
  maxVsLnav: number;
}

const COMMANDS: CommandSpec[] = [
  { label: 'cmlogs stats DIR', args: ['stats'], maxVsLnav: 1 / 3 },
  { label: 'cmlogs diagnose DIR', args: ['diagnose', '--brief'], maxVsLnav: 3 },
  { label: 'cmlogs timeline --json DIR', args: ['timeline', '--json'], maxVsLnav: 3 },
  { label: 'cmlogs parse --json DIR', args: ['parse', '--json'], maxVsLnav: 2 },
];

interface CommandFigures {
  label: string;
  ms: number;
  maxRssKB: number | null;
  ok: boolean;
  /** The same command with the --cli-before build, when given. */
  before: { ms: number; maxRssKB: number | null; ok: boolean } | null;
}

/**
 * Runs `node CLI ARGS... DIR` best of `repeat`, stdout to /dev/null (a reader that keeps up: the time is the
 * command's, not a terminal's or a pipe's), peak RSS from GNU time when installed.
 */
function timeCommand(cli: string, args: string[], dir: string, repeat: number) {
  const useTime = existsSync('/usr/bin/time');
  const rssFile = join(OUT, '.command-rss');
  let best: { ms: number; maxRssKB: number | null; ok: boolean } | null = null;
  for (let i = 0; i < repeat; i++) {
    rmSync(rssFile, { force: true });
    const command = [process.execPath, cli, args[0], dir, ...args.slice(1)];
    const [exe, argv] = useTime
      ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, ...command]]
      : [command[0], command.slice(1)];
    const devNull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const run = spawnSync(exe, argv, { stdio: ['ignore', devNull, 'ignore'], timeout: 20 * 60_000 });
    const ms = performance.now() - t0;
    closeSync(devNull);
    const maxRssKB =
      useTime && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) || null : null;
    const result = { ms, maxRssKB, ok: !run.error && run.status === 0 };
    if (!best || (result.ok && ms < best.ms)) best = result;
  }
  return best!;
}

function measureCommands(dir: string, o: Options): CommandFigures[] {
  return COMMANDS.map((c) => {
    log(`  ${c.label} ...`);
    const ours = timeCommand(join(OUT, 'cli.js'), c.args, dir, o.repeat);
    const before = o.cliBefore ? timeCommand(o.cliBefore, c.args, dir, o.repeat) : null;
    return { label: c.label, ...ours, before };
  });
}

function runChild(config: ChildConfig): { result: ChildResult; wallMs: number } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [CHILD, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * MB,
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  const wallMs = performance.now() - t0;
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line)
    throw new Error(
      `benchmark child failed (status ${run.status}, signal ${run.signal}${run.error ? ', ' + run.error.message : ''})`,
    );
  return { result: JSON.parse(line.slice(7)) as ChildResult, wallMs };
}

interface Timed {
  command: string;
  ms: number;
  /** The least CPU time (user + system) of the runs, from /usr/bin/time; null without it. */
  cpuMs: number | null;
  output: string;
  maxRssKB: number | null;
  ok: boolean;
}

/** Runs a command (best of `repeat` by wall time); peak RSS from /usr/bin/time when it exists. */
function timed(
  cmd: string,
  args: string[],
  opts: { repeat?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Timed {
  const useTime = existsSync('/usr/bin/time');
  const rssFile = join(OUT, '.time-rss');
  let best: Timed | null = null;
  for (let i = 0; i < (opts.repeat ?? 1); i++) {
    rmSync(rssFile, { force: true });
    const [exe, argv] = useTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const run = spawnSync(exe, argv, {
      encoding: 'utf8',
      maxBuffer: 64 * MB,
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs ?? 10 * 60_000,
    });
    const ms = performance.now() - t0;
    let maxRssKB: number | null = null;
    let cpuMs: number | null = null;
    if (useTime && existsSync(rssFile)) {
      const [rss, user, system] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
      maxRssKB = rss || null;
      if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = (user + system) * 1000;
    }
    if (best?.cpuMs != null && (cpuMs === null || best.cpuMs < cpuMs)) cpuMs = best.cpuMs;
    const result: Timed = {
      command: [cmd, ...args.map((a) => (a.length > 60 ? '…' : a))].join(' '),
      ms,
      cpuMs,
      output: run.stdout ?? '',
      maxRssKB,
      ok: !run.error && run.status !== null,
    };
    if (!best || ms < best.ms) best = result;
    else best.cpuMs = cpuMs;
  }
  return best!;
}

function available(cmd: string, args: string[]): string | null {
  const run = spawnSync(cmd, args, { encoding: 'utf8' });
  if (run.error || run.status !== 0) return null;
  return (run.stdout || run.stderr).trim().split('\n')[0];
}

interface LnavFigures {
  version: string;
  ms: number;
  /** CPU time (user + system), least of the runs; null without /usr/bin/time. */
  cpuMs: number | null;
  records: number;
  maxRssKB: number | null;
  command: string;
}

function runLnav(files: string[], repeat: number): LnavFigures | { notInstalled: true } | { failed: string } {
  const version = available('lnav', ['-V']);
  if (!version) return { notInstalled: true };
  const config = join(OUT, 'lnav', 'config');
  const home = join(OUT, 'lnav', 'home');
  rmSync(join(OUT, 'lnav'), { recursive: true, force: true });
  mkdirSync(join(config, 'formats', 'cmtrace'), { recursive: true });
  mkdirSync(home, { recursive: true });
  copyFileSync(join(__dirname, 'lnav', 'cmtrace.json'), join(config, 'formats', 'cmtrace', 'cmtrace.json'));
  // -N: no default syslog; -n: headless; -I: our format; the query runs once every file is loaded and indexed.
  const run = timed('lnav', ['-N', '-n', '-I', config, '-c', ';SELECT count(*) AS n FROM cmtrace_log', ...files], {
    repeat,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
  });
  const numbers = run.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l));
  if (!run.ok || !numbers.length) return { failed: `lnav printed no count: ${run.output.slice(0, 200)}` };
  return {
    version,
    ms: run.ms,
    cpuMs: run.cpuMs,
    records: Number(numbers[numbers.length - 1]),
    maxRssKB: run.maxRssKB,
    command: `HOME=${home} lnav -N -n -I ${config} -c ';SELECT count(*) AS n FROM cmtrace_log' ${files.length} files`,
  };
}

const fmt = {
  s: (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`),
  n: (n: number) => Math.round(n).toLocaleString('en-US'),
  // Decimal megabytes, as the corpus size is given (maxRSS is in KiB).
  mb: (kb: number | null) => (kb === null ? '-' : `${((kb * 1024) / MB).toFixed(0)} MB`),
  x: (r: number | null) =>
    r === null || !Number.isFinite(r)
      ? '-'
      : r >= 10
        ? `${r.toFixed(0)}x`
        : r >= 0.1
          ? `${r.toFixed(2)}x`
          : `${r.toFixed(3)}x`,
  ms3: (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`),
};

function row(cols: string[], widths: number[]): string {
  return cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

async function parent(o: Options): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dir = join(OUT, o.quick || o.scale !== 1 ? `corpus-${o.scale}` : 'corpus');
  const started = performance.now();
  const loadBefore = loadavg();
  const cpu = cpus();
  log(
    `machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`,
  );
  log(`corpus: ${dir}`);
  const gen = ensureCorpus(dir, { scale: o.scale, log: (s) => log(s) });
  const m: Manifest = gen.manifest;
  log(
    gen.generated
      ? `  generated in ${gen.seconds.toFixed(1)} s`
      : '  up to date (delete it or change --scale to regenerate)',
  );
  buildChild();
  const cmFiles = m.files.filter((f) => f.format === 'cmtrace').map((f) => join(dir, f.path));
  const otherFiles = m.files.filter((f) => f.format !== 'cmtrace').map((f) => join(dir, f.path));
  const otherBytes = m.bytes - m.cmtraceBytes;
  const otherRecords = m.records - m.cmtraceRecords;
  log(
    `  ${m.files.length} files, ${(m.bytes / MB).toFixed(1)} MB, ${fmt.n(m.records)} records; CMTrace ${cmFiles.length} files, ${(m.cmtraceBytes / MB).toFixed(1)} MB, ${fmt.n(m.cmtraceRecords)} records (${fmt.n(m.files.filter((f) => f.format === 'cmtrace').reduce((n, f) => n + f.multiLine, 0))} multi-line)`,
  );

  // Everything below reads from the page cache: read every file once first.
  let t = performance.now();
  for (const f of [...cmFiles, ...otherFiles]) readFileSync(f);
  log(`page cache warmed (${fmt.s(performance.now() - t)})`);

  // (1) Floor.
  log('floor: wc -l, grep -c ...');
  const wc = available('wc', ['--version']) !== null ? timed('wc', ['-l', ...cmFiles], { repeat: 3 }) : null;
  const grep =
    available('grep', ['--version']) !== null
      ? timed('grep', ['-F', '-c', ']LOG]!><time=', ...cmFiles], { repeat: 3, env: { ...process.env, LC_ALL: 'C' } })
      : null;
  const grepCount = grep
    ? grep.output.split('\n').reduce((n, l) => n + (Number(l.slice(l.lastIndexOf(':') + 1)) || 0), 0)
    : null;
  const wcLines = wc ? Number(wc.output.trim().split('\n').pop()!.trim().split(/\s+/)[0]) : null;

  // (2) Ours, one thread (then hover and timeline in the same process, after the parse figures are taken).
  const sets = [
    { name: 'cmtrace', files: cmFiles },
    { name: 'other', files: otherFiles },
  ];
  log('ours: parse+index in one thread, then hover and timeline ...');
  const single = bestChild(
    {
      sets,
      workers: 0,
      hoverSamples: o.samples,
      hoverBudgetMs: o.quick ? 10_000 : 30_000,
      minHoverRecords: 1_000_000,
      merge: true,
      hotKeys: m.hotKeys,
      seed: m.seed,
    },
    o.repeat,
  );
  // (3) Ours on worker threads.
  let parallel: { result: ChildResult; wallMs: number } | null = null;
  if (o.workers >= 2) {
    log(`ours: parse+index on ${o.workers} threads (${o.workers - 1} worker + this one) ...`);
    parallel = bestChild(
      {
        sets,
        workers: o.workers,
        hoverSamples: 0,
        hoverBudgetMs: 0,
        minHoverRecords: 0,
        merge: false,
        hotKeys: [],
        seed: m.seed,
      },
      o.repeat,
    );
  }
  // (4) lnav.
  let lnav: ReturnType<typeof runLnav> | { skipped: true } = { skipped: true };
  if (o.lnav) {
    log('lnav: same CMTrace files ...');
    lnav = runLnav(cmFiles, o.repeat);
  }

  // (4b) The CLI's commands over the same CMTrace logs (issue #20), right after lnav.
  let commands: CommandFigures[] = [];
  if (o.commands) {
    log(`commands: the bundled CLI over ${join(dir, 'cmtrace')}${o.cliBefore ? `, and ${o.cliBefore}` : ''} ...`);
    commands = measureCommands(join(dir, 'cmtrace'), o);
  }

  // (5) A 500 MB log through the language server.
  let server: ServerFigures | null = null;
  if (o.server) {
    log('server: a 500 MB log through the language server ...');
    const big = join(OUT, BIG_LOG_NAME);
    const empty = join(OUT, 'big', 'empty-workspace');
    mkdirSync(empty, { recursive: true });
    ensureBigLog(big, cmFiles, 500 * MB);
    readFileSync(big); // page cache, as for every other contender
    server = await measureServer(join(OUT, 'server.js'), empty, big, m.hotKeys[0]);
  }

  // (6) A 48 MB log opened in the editor, and one small log opened in the corpus folder (issue #23).
  let openLog: OpenLogFigures | null = null;
  let folderOpen: FolderFigures | null = null;
  let serverMemory: ServerMemory[] | null = null;
  if (o.server) {
    log('server: a 48 MB log opened, then one small log opened in the corpus folder ...');
    const openFile = join(OUT, OPEN_LOG_NAME);
    mkdirSync(join(OUT, 'open'), { recursive: true });
    ensureLogOf(openFile, cmFiles, 48 * MB);
    readFileSync(openFile);
    openLog = await measureOpenLog(join(OUT, 'server.js'), join(OUT, 'open'), openFile);
    const cmDir = join(dir, 'cmtrace');
    const smallest = [...m.files].filter((f) => f.format === 'cmtrace').sort((a, b) => a.bytes - b.bytes)[0];
    log('server: its memory with a 15 and a 48 MB log open (bench/memory.ts) ...');
    serverMemory = await measureServerMemoryRows(join(OUT, 'server.js'), join(OUT, 'memory'));
    folderOpen = await measureFolderOpen(
      join(OUT, 'server.js'),
      cmDir,
      join(dir, smallest.path),
      firstKeyPosition(join(dir, smallest.path), m.hotKeys),
    );
  }

  // ---- Checks and ratios ----
  const expectedPerFile = new Map(m.files.map((f) => [join(dir, f.path), f.records]));
  const complete = (r: ChildResult) =>
    r.sets.every((s) => Object.entries(s.perFile).every(([file, n]) => expectedPerFile.get(file) === n));
  const cm = (r: ChildResult) => r.sets.find((s) => s.name === 'cmtrace')!;
  const oth = (r: ChildResult) => r.sets.find((s) => s.name === 'other')!;
  const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
  const best = parallel && cm(parallel.result).ms < cm(single.result).ms ? parallel.result : single.result;
  const bestCm = cm(best);
  const lnavOk = 'version' in lnav ? lnav : null;
  const grepMbps = grep ? mbps(m.cmtraceBytes, grep.ms) : null;
  const wcMbps = wc ? mbps(m.cmtraceBytes, wc.ms) : null;
  const lnavMbps = lnavOk ? mbps(m.cmtraceBytes, lnavOk.ms) : null;
  // Against lnav, our time counts from process start (Node startup included), as lnav's does.
  const oursWallMbps = (r: ChildResult) => mbps(m.cmtraceBytes, cm(r).wallMs);
  const ratios = {
    singleVsGrep: grepMbps ? mbps(m.cmtraceBytes, cm(single.result).ms) / grepMbps : null,
    bestVsGrep: grepMbps ? mbps(m.cmtraceBytes, bestCm.ms) / grepMbps : null,
    singleVsLnav: lnavMbps ? oursWallMbps(single.result) / lnavMbps : null,
    parallelVsLnav: lnavMbps && parallel ? oursWallMbps(parallel.result) / lnavMbps : null,
    parallelVsSingle: parallel ? cm(single.result).ms / cm(parallel.result).ms : null,
    // lnav's CPU time over ours, both from process start: what the machine's other load changes least.
    singleVsLnavCpu: lnavOk?.cpuMs ? lnavOk.cpuMs / cm(single.result).cpuMs : null,
    parallelVsLnavCpu: lnavOk?.cpuMs && parallel ? lnavOk.cpuMs / cm(parallel.result).cpuMs : null,
    lnavRecordShare: lnavOk ? lnavOk.records / m.cmtraceRecords : null,
    bestRssVsCorpus: (bestCm.maxRssKB * 1024) / m.cmtraceBytes,
    singleRssVsCorpus: (cm(single.result).maxRssKB * 1024) / m.cmtraceBytes,
    parallelRssVsCorpus: parallel ? (cm(parallel.result).maxRssKB * 1024) / m.cmtraceBytes : null,
    rssVsLnav: lnavOk?.maxRssKB ? bestCm.maxRssKB / lnavOk.maxRssKB : null,
  };
  const hover = single.result.hover;
  const bestVsLnav = Math.max(ratios.singleVsLnav ?? 0, ratios.parallelVsLnav ?? 0);
  const targets = {
    // Issue #20's goals for the parse itself.
    'parse+index >= 3x lnav throughput': lnavOk
      ? { pass: bestVsLnav >= 3, value: `${fmt.x(bestVsLnav)}` }
      : { pass: null, value: 'notInstalled' in lnav ? 'lnav not installed' : 'lnav not measured' },
    'parse+index >= 0.3x grep -c throughput': ratios.bestVsGrep
      ? { pass: ratios.bestVsGrep >= 0.3, value: `${fmt.x(ratios.bestVsGrep)}` }
      : { pass: null, value: 'grep not measured' },
    '100% of records': {
      pass: complete(single.result) && (!parallel || complete(parallel.result)),
      value: `${fmt.n(bestCm.records)} of ${fmt.n(m.cmtraceRecords)} CMTrace, ${fmt.n(oth(best).records)} of ${fmt.n(otherRecords)} other`,
    },
    ...(server && {
      '500 MB log through the server: first page < 30 s, server RSS < the log': {
        pass: server.firstPageMs < 30_000 && server.peakRssKB !== null && server.peakRssKB * 1024 < server.bytes,
        value: `${fmt.s(server.firstPageMs)}, ${fmt.mb(server.peakRssKB)} for ${(server.bytes / MB).toFixed(0)} MB`,
      },
    }),
    'peak RSS <= corpus size': {
      pass: ratios.bestRssVsCorpus <= 1,
      value: `${fmt.mb(bestCm.maxRssKB)} for ${(m.cmtraceBytes / MB).toFixed(0)} MB (${fmt.x(ratios.bestRssVsCorpus)})`,
    },
    ...Object.fromEntries(
      commands.map((c) => {
        const spec = COMMANDS.find((s) => s.label === c.label)!;
        const limit = spec.maxVsLnav < 1 ? `lnav/${Math.round(1 / spec.maxVsLnav)}` : `${spec.maxVsLnav}x lnav`;
        return [
          `${c.label} <= ${limit}`,
          lnavOk && c.ok
            ? {
                pass: c.ms <= spec.maxVsLnav * lnavOk.ms,
                value: `${fmt.s(c.ms)} (${fmt.x(c.ms / lnavOk.ms)} lnav's time)`,
              }
            : { pass: null, value: c.ok ? 'lnav not measured' : 'command failed' },
        ];
      }),
    ),
    'hover p99 < 5 ms': hover
      ? { pass: hover.p99 < 5, value: fmt.ms3(hover.p99) }
      : { pass: null, value: 'not measured' },
  };

  // ---- Table ----
  const W = [40, 9, 9, 11, 18, 9, 9, 9];
  const out: string[] = [];
  out.push('');
  const loadAfter = loadavg();
  out.push(
    `ConfigMgr Logs benchmark: ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), Node ${process.version}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after${o.repeat > 1 ? `; best of ${o.repeat}` : ''}`,
  );
  out.push(
    `corpus: ${m.files.length} files, ${(m.bytes / MB).toFixed(1)} MB; CMTrace ${cmFiles.length} files, ${(m.cmtraceBytes / MB).toFixed(1)} MB, ${fmt.n(m.cmtraceRecords)} records (seed ${m.seed}, scale ${m.scale})`,
  );
  out.push('');
  out.push(row(['CMTrace logs', 'time', 'MB/s', 'records/s', 'records', 'peak RSS', 'vs grep', 'vs lnav'], W));
  out.push(row(['-'.repeat(W[0]), ...W.slice(1).map((w) => '-'.repeat(w))], W));
  if (wc)
    out.push(
      row(
        [
          'floor: wc -l',
          fmt.s(wc.ms),
          wcMbps!.toFixed(0),
          '',
          `${fmt.n(wcLines ?? 0)} lines`,
          fmt.mb(wc.maxRssKB),
          '',
          '',
        ],
        W,
      ),
    );
  if (grep)
    out.push(
      row(
        [
          "floor: grep -F -c ']LOG]!><time='",
          fmt.s(grep.ms),
          grepMbps!.toFixed(0),
          '',
          fmt.n(grepCount ?? 0),
          fmt.mb(grep.maxRssKB),
          '1x',
          '',
        ],
        W,
      ),
    );
  const oursRow = (label: string, r: ChildResult, vsLnav: number | null) => {
    const s = cm(r);
    const share = `${fmt.n(s.records)} (${((100 * s.records) / m.cmtraceRecords).toFixed(1)}%)`;
    return row(
      [
        label,
        fmt.s(s.ms),
        mbps(s.bytes, s.ms).toFixed(1),
        fmt.n(s.records / (s.ms / 1000)),
        share,
        fmt.mb(s.maxRssKB),
        grepMbps ? fmt.x(mbps(s.bytes, s.ms) / grepMbps) : '-',
        fmt.x(vsLnav),
      ],
      W,
    );
  };
  out.push(oursRow('ours: parse+index, 1 thread', single.result, ratios.singleVsLnav));
  if (parallel) out.push(oursRow(`ours: parse+index, ${o.workers} threads`, parallel.result, ratios.parallelVsLnav));
  if (lnavOk)
    out.push(
      row(
        [
          `${lnavOk.version} (bench/lnav/cmtrace.json)`,
          fmt.s(lnavOk.ms),
          lnavMbps!.toFixed(1),
          fmt.n(lnavOk.records / (lnavOk.ms / 1000)),
          `${fmt.n(lnavOk.records)} (${(100 * ratios.lnavRecordShare!).toFixed(1)}%)`,
          fmt.mb(lnavOk.maxRssKB),
          grepMbps ? fmt.x(lnavMbps! / grepMbps) : '-',
          '1x',
        ],
        W,
      ),
    );
  else
    out.push(
      row(
        [
          'lnav',
          'notInstalled' in lnav
            ? 'not installed'
            : 'skipped' in lnav
              ? 'skipped (--no-lnav)'
              : 'failed' in lnav
                ? `failed: ${lnav.failed.slice(0, 60)}`
                : '',
          '',
          '',
          '',
          '',
          '',
          '',
        ],
        W,
      ),
    );
  if (commands.length) {
    out.push('');
    const CW = [30, 10, 9, 10, 12, 14];
    out.push(row(['commands (CMTrace logs)', 'time', 'peak RSS', 'vs lnav', 'goal', 'before'], CW));
    out.push(row(['-'.repeat(CW[0]), ...CW.slice(1).map((w) => '-'.repeat(w))], CW));
    for (const c of commands) {
      const spec = COMMANDS.find((s) => s.label === c.label)!;
      const vsLnav = lnavOk ? c.ms / lnavOk.ms : null;
      const goal = spec.maxVsLnav < 1 ? `<= lnav/${Math.round(1 / spec.maxVsLnav)}` : `<= ${spec.maxVsLnav}x lnav`;
      out.push(
        row(
          [
            c.label,
            c.ok ? fmt.s(c.ms) : 'failed',
            fmt.mb(c.maxRssKB),
            vsLnav === null ? '-' : `${fmt.x(vsLnav)} time`,
            goal,
            c.before ? (c.before.ok ? fmt.s(c.before.ms) : 'failed') : '-',
          ],
          CW,
        ),
      );
    }
    out.push(
      `(each from process start to exit, stdout to /dev/null, best of ${o.repeat}; "vs lnav" is our time over lnav's for the same files${o.cliBefore ? `; "before": ${o.cliBefore}` : ''})`,
    );
  }
  out.push('');
  out.push(
    `vs grep: our MB/s over grep's (parse time in-process). vs lnav: our MB/s over lnav's, both timed from process start (ours ${fmt.s(cm(single.result).wallMs)} / ${parallel ? fmt.s(cm(parallel.result).wallMs) : '-'} incl. Node start).`,
  );
  if (lnavOk?.cpuMs)
    out.push(
      `CPU time from process start (user + system, every thread; what other load changes least), least of ${o.repeat}: lnav ${fmt.s(lnavOk.cpuMs)}, ours ${fmt.s(cm(single.result).cpuMs)} on 1 thread (lnav's over ours: ${fmt.x(ratios.singleVsLnavCpu)})${parallel ? `, ${fmt.s(cm(parallel.result).cpuMs)} on ${o.workers} threads (${fmt.x(ratios.parallelVsLnavCpu)})` : ''}.`,
    );
  const o1 = oth(single.result);
  out.push(
    `other formats (SMS trace, WindowsUpdate.log x2, WSUS): ${(otherBytes / MB).toFixed(1)} MB, ${fmt.n(o1.records)}/${fmt.n(otherRecords)} records in ${fmt.s(o1.ms)} (${mbps(o1.bytes, o1.ms).toFixed(1)} MB/s) in one thread${parallel ? `, ${fmt.s(oth(parallel.result).ms)} on ${o.workers} workers` : ''}`,
  );
  const first = cm(single.result);
  out.push(
    `first file parsed and indexed: ${first.firstRecordMs !== null ? fmt.ms3(first.firstRecordMs) : '-'} after the parse starts, ${first.firstRecordSinceStartMs !== null ? fmt.s(first.firstRecordSinceStartMs) : '-'} after process start (Node included)${parallel && cm(parallel.result).firstRecordMs !== null ? `; on workers, first whole file indexed after ${fmt.s(cm(parallel.result).firstRecordMs!)}` : ''}`,
  );
  if (parallel)
    out.push(
      `${o.workers} threads (${o.workers - 1} worker thread and the calling one): ${fmt.x(ratios.parallelVsSingle)} the throughput of one thread (worker startup included); peak RSS ${fmt.mb(cm(parallel.result).maxRssKB)} vs ${fmt.mb(cm(single.result).maxRssKB)}`,
    );
  if (hover) {
    out.push(
      `hover (recordAt + keyAt + summarize) on ${fmt.n(hover.records)} records in ${hover.files} files, ${fmt.n(hover.samples)} random positions${hover.truncated ? ' (time budget reached)' : ''} (${fmt.n(hover.onKey)} on a key): p50 ${fmt.ms3(hover.p50)}, p90 ${fmt.ms3(hover.p90)}, p99 ${fmt.ms3(hover.p99)}, max ${fmt.ms3(hover.max)}`,
    );
    if (hover.hotKey)
      out.push(
        `  hottest key ${hover.hotKey.key} (${fmt.n(hover.hotKey.occurrences)} occurrences): summarize ${fmt.ms3(hover.hotKey.ms)}`,
      );
  }
  const mg = single.result.merge;
  if (mg) out.push(`timeline: mergeOrder of ${mg.sources} files, ${fmt.n(mg.records)} records: ${fmt.s(mg.ms)}`);
  if (server) out.push(describeServer(server));
  if (openLog) out.push(describeOpenLog(openLog));
  if (folderOpen) out.push(describeFolderOpen(folderOpen));
  if (serverMemory)
    out.push('memory of the language server with one log open:', ...serverMemory.map(describeServerMemory));
  out.push('');
  out.push('targets:');
  for (const [name, tgt] of Object.entries(targets))
    out.push(`  ${tgt.pass === null ? 'n/a ' : tgt.pass ? 'PASS' : 'FAIL'}  ${name}: ${tgt.value}`);

  let diagnosis: ReturnType<typeof measureDiagnose> | null = null;
  if (o.diagnose) {
    log('diagnose: cmlogs diagnose of the CMTrace logs ...');
    diagnosis = measureDiagnose(join(dir, 'cmtrace'));
    out.push('');
    out.push(
      `diagnose: cmlogs diagnose of the ${cmFiles.length} CMTrace logs (${(m.cmtraceBytes / MB).toFixed(0)} MB): ${fmt.s(diagnosis.ms)} from process start, peak RSS ${diagnosis.maxRssKB ? fmt.mb(diagnosis.maxRssKB) : '-'}; ${diagnosis.summary}`,
    );
  }

  let memory: unknown = null;
  if (o.memory) {
    log('memory: 1 GB streaming (bench/memory.ts) ...');
    // The bounded cases only (1 GB realistic, unclosed, idle); npm run bench:memory also runs the pathological ones.
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, join(__dirname, 'memory.ts'), '--json', '--only', 'realistic,unclosed,idle'],
      { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * MB },
    );
    const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
    memory = line ? JSON.parse(line.slice(7)) : { failed: `status ${run.status}` };
    out.push('');
    const cases =
      (
        memory as {
          cases?: Array<{
            name: string;
            bytes: number;
            outcome: string;
            maxRssMB: number | null;
            seconds: number;
            records?: number;
          }>;
        }
      ).cases ?? [];
    out.push('memory (bench/memory.ts, parseFile streaming with records dropped):');
    for (const c of cases)
      out.push(
        `  ${c.name.padEnd(10)} ${c.bytes ? `${(c.bytes / MB).toFixed(0)} MB`.padStart(8) : '       -'}  ${c.outcome.padEnd(8)} peak RSS ${c.maxRssMB ?? '-'} MB  ${c.seconds.toFixed(1)} s${c.records !== undefined ? `  ${fmt.n(c.records)} records` : ''}`,
      );
  }
  out.push('');
  out.push(`total bench time ${fmt.s(performance.now() - started)}; results: ${o.out}`);
  process.stdout.write(out.join('\n') + '\n');

  const results = {
    date: new Date().toISOString(),
    machine: {
      cores: cpu.length,
      model: cpu[0]?.model.trim() ?? null,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadBefore,
      loadAfter,
      repeat: o.repeat,
    },
    corpus: {
      dir,
      seed: m.seed,
      scale: m.scale,
      files: m.files.length,
      bytes: m.bytes,
      records: m.records,
      cmtraceFiles: cmFiles.length,
      cmtraceBytes: m.cmtraceBytes,
      cmtraceRecords: m.cmtraceRecords,
      generatedSeconds: gen.generated ? gen.seconds : null,
    },
    floor: {
      wc: wc && { ms: wc.ms, mbps: wcMbps, lines: wcLines, maxRssKB: wc.maxRssKB },
      grep: grep && { ms: grep.ms, mbps: grepMbps, count: grepCount, maxRssKB: grep.maxRssKB },
    },
    ours: {
      single: { ...single.result, hover: undefined, merge: undefined, processMs: single.wallMs },
      parallel: parallel && { ...parallel.result, processMs: parallel.wallMs },
    },
    hover: hover ?? null,
    timeline: mg ?? null,
    server,
    openLog: openLog && { ...openLog, rssPerMB: rssPerMB(openLog) },
    folderOpen,
    serverMemory,
    lnav,
    ratios,
    targets,
    commands,
    diagnosis,
    memory,
  };
  for (const s of [...results.ours.single.sets, ...(results.ours.parallel?.sets ?? [])])
    s.perFile = Object.fromEntries(Object.entries(s.perFile).map(([k, v]) => [basename(k), v]));
  writeFileSync(o.out, JSON.stringify(results, null, 2));
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--fleet')) return runFleetBench(argv); // cmlogs fleet: bench/fleet.ts
  return parent(parseOptions(argv));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

/** Whole corpus files, in order, until at least `minBytes` (a log of about that size; kept between runs). */
function ensureLogOf(path: string, parts: string[], minBytes: number): void {
  const sizes = parts.map((part) => statSync(part).size);
  if (sizes.reduce((a, b) => a + b, 0) < minBytes) return void ensureBigLog(path, parts, minBytes); // a small corpus (--quick): repeated
  const chosen: string[] = [];
  let size = 0;
  for (const part of parts) {
    if (size >= minBytes) break;
    chosen.push(part);
    size += sizes[parts.indexOf(part)];
  }
  ensureBigLog(path, chosen, size);
}

/** A position on the first of `keys` found in a log (else its first line): where References is asked. */
function firstKeyPosition(file: string, keys: string[]): { line: number; character: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const key of keys) {
    for (let line = 0; line < lines.length; line++) {
      const at = lines[line].toLowerCase().indexOf(key.toLowerCase());
      if (at >= 0) return { line, character: at + 2 };
    }
  }
  return { line: 0, character: 0 };
}
