// npm run bench -- --fleet [--machines N] [--mb S] [--workers W] [--big] [--cli-before OLD/cli.js]
//
// `cmlogs fleet` over a generated fleet: N machines of S MB of logs each (default 50 x 4 MB; --big: 1,000 x 20 MB,
// 20 GB). Each machine's folder is the benchmark corpus (bench/generate.ts: 40 CMTrace logs of every client
// component plus WSyncMgr/WCM SMS logs, WindowsUpdate.log in both forms and a WSUS log) at the scale that makes
// S MB. Eight distinct machines are generated (eight seeds); the others are hard links to their files, so 20 GB of
// fleet takes 160 MB of disk and is read, like the single-folder benchmark's corpus, from the page cache.
//
// Measured, each in a child process of its own (its peak RSS, VmHWM, is its own, worker threads included):
//   fleet      node server/out/cli.js fleet ROOT --out DIR --json: machines/s, MB/s, peak RSS, Parquet size
//   baseline   parse+index of one folder (core/parallel.ts + LogIndex, as `npm run bench` measures it) over the
//              fleet's first machines taken as one folder of at least 200 MB, on the same number of threads
//   before     with --cli-before OLD/cli.js: the same fleet with an older build (its fleetPool.js beside it), right
//              after, so that the two builds are compared under the same load
// The goal (issue #21): fleet MB/s >= 80% of the baseline's, peak RSS < 1 GB.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { generateCorpus, readManifest } from './generate';

const ROOT = resolve(__dirname, '..');
const OUT = join(__dirname, 'out');
const MB = 1e6;
/** bench/generate.ts at scale 1 writes about this many bytes (200 MB CMTrace + 25 MB of other formats). */
const BYTES_AT_SCALE_1 = 225 * MB;
const TEMPLATES = 8;

interface FleetOptions {
  machines: number;
  mb: number;
  workers: number;
  /** An older cli.js to run on the same fleet after this build's run. */
  cliBefore?: string;
}

function parseFleetOptions(argv: string[]): FleetOptions {
  const o: FleetOptions = { machines: 50, mb: 4, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fleet') continue;
    if (a === '--big') Object.assign(o, { machines: 1000, mb: 20 });
    else if (a === '--machines') o.machines = Number(argv[++i]);
    else if (a === '--mb') o.mb = Number(argv[++i]);
    else if (a === '--workers') o.workers = Number(argv[++i]);
    else if (a === '--cli-before') o.cliBefore = resolve(argv[++i]);
    else
      throw new Error(
        `unknown option ${a} (npm run bench -- --fleet [--machines N] [--mb S] [--workers W] [--big] [--cli-before OLD/cli.js])`,
      );
  }
  if (!(o.machines >= 1) || !(o.mb > 0) || !(o.workers >= 1))
    throw new Error('--machines and --workers must be >= 1, --mb > 0');
  return o;
}

const log = (s = '') => process.stderr.write(s + '\n');

/** The eight distinct machines, generated once per size (kept in bench/out/fleet-templates/). */
function ensureTemplates(mb: number): string[] {
  const scale = (mb * MB) / BYTES_AT_SCALE_1;
  const dirs: string[] = [];
  for (let t = 0; t < TEMPLATES; t++) {
    const dir = join(OUT, 'fleet-templates', `${mb}MB-${t}`);
    const seed = 20131003 + t * 7919;
    const manifest = readManifest(dir);
    if (!manifest || manifest.seed !== seed || manifest.scale !== scale) {
      log(`generating machine template ${t + 1}/${TEMPLATES} (${mb} MB)`);
      rmSync(dir, { recursive: true, force: true });
      generateCorpus(dir, { seed, scale });
    }
    dirs.push(dir);
  }
  return dirs;
}

function logFilesOf(dir: string): string[] {
  const files: string[] = [];
  for (const sub of ['cmtrace', 'other'])
    for (const name of readdirSync(join(dir, sub)).sort()) files.push(join(dir, sub, name));
  return files;
}

/** ROOT/PC-00001 ... each a folder of hard links to one template's logs. */
function makeFleetRoot(options: FleetOptions, templates: string[]): { root: string; bytes: number } {
  const root = join(OUT, `fleet-${options.machines}x${options.mb}MB`);
  rmSync(root, { recursive: true, force: true });
  let bytes = 0;
  for (let m = 0; m < options.machines; m++) {
    const dir = join(root, `PC-${String(m + 1).padStart(5, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (const file of logFilesOf(templates[m % templates.length])) {
      const to = join(dir, file.split('/').pop()!);
      try {
        linkSync(file, to);
      } catch {
        copyFileSync(file, to);
      }
      bytes += statSync(file).size;
    }
  }
  return { root, bytes };
}

interface ChildRun {
  ms: number;
  peakRssKB: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs a command, polling its VmHWM (peak resident set, all threads) until it exits. */
function runMeasured(args: string[]): Promise<ChildRun> {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => ((stderr += d), process.stderr.write(d)));
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]));
      } catch {
        // exited between polls
      }
    }, 100);
    child.on('close', (status) => {
      clearInterval(poll);
      resolvePromise({ ms: performance.now() - t0, peakRssKB: peak, stdout, stderr, status });
    });
  });
}

/** The baseline child: parse+index of one folder's files on `workers` threads, printing its figures. */
async function baselineChild(workers: number, files: string[]): Promise<void> {
  const { LogIndex } = await import('../server/src/core/logIndex');
  const { parseFilesParallel } = await import('../server/src/core/parallel');
  const index = new LogIndex();
  const t0 = performance.now();
  let records = 0;
  await parseFilesParallel(files, workers, {
    keys: true,
    onResult: (r) => {
      records += r.records.length;
      index.setFile(r);
    },
  });
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({ ms: performance.now() - t0, records, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\n',
  );
}

/** The baseline, bundled as the CLI is (with parallel.js beside it), so that both run shipped code. */
function buildBaseline(): string {
  const out = join(OUT, 'fleet-baseline.js');
  buildSync({
    entryPoints: [__filename],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    external: ['esbuild'],
  });
  copyFileSync(join(ROOT, 'server', 'out', 'parallel.js'), join(OUT, 'parallel.js'));
  return out;
}

export async function runFleetBench(argv: string[]): Promise<void> {
  const options = parseFleetOptions(argv);
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(join(ROOT, 'server', 'out', 'cli.js')))
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
  const templates = ensureTemplates(options.mb);
  const { root, bytes } = makeFleetRoot(options, templates);
  log(`fleet: ${options.machines} machines x ${options.mb} MB = ${(bytes / MB).toFixed(0)} MB in ${root}`);

  // Baseline: the fleet's first machines as one folder, at least 200 MB (or the whole fleet when smaller).
  const baselineFiles: string[] = [];
  let baselineBytes = 0;
  for (const machine of readdirSync(root).sort()) {
    if (baselineBytes >= 200 * MB) break;
    for (const name of readdirSync(join(root, machine)).sort()) {
      const file = join(root, machine, name);
      baselineFiles.push(file);
      baselineBytes += statSync(file).size;
    }
  }
  const listFile = join(OUT, 'fleet-baseline-files.json');
  writeFileSync(listFile, JSON.stringify(baselineFiles));
  const baselineScript = buildBaseline();
  const baseline = await runMeasured([baselineScript, '--baseline-child', String(options.workers), listFile]);
  if (baseline.status !== 0) throw new Error(`baseline failed: ${baseline.stderr}`);
  const base = JSON.parse(baseline.stdout.trim().split('\n').pop()!) as { ms: number; records: number; cpuMs: number };
  const baseMBs = baselineBytes / MB / (base.ms / 1000);
  const baseMBperCpu = baselineBytes / MB / (base.cpuMs / 1000);

  const outDir = join(OUT, 'fleet-parquet');
  const fleet = await runFleetCli(join(ROOT, 'server', 'out', 'cli.js'), root, outDir, options.workers);
  const summary = JSON.parse(fleet.stdout) as { machines: number; unreadable: unknown[] };
  const fleetMBs = bytes / MB / (fleet.ms / 1000);
  const parquetBytes = duSync(outDir);
  const records = Number(
    JSON.parse(
      spawnSync(
        process.execPath,
        [
          join(ROOT, 'server', 'out', 'cli.js'),
          'fleet',
          'query',
          outDir,
          'SELECT sum(records) AS n FROM machines',
          '--json',
        ],
        { encoding: 'utf8' },
      ).stdout,
    )[0].n,
  );

  // The CLI's last progress line: thread seconds per stage, summed over the readers.
  const stage = (name: string) => Number(new RegExp(`${name} ([\\d.]+) s`).exec(fleet.stderr)?.[1] ?? NaN);
  const stages = {
    parse: stage('parse'),
    diagnose: stage('diagnose'),
    recordsOut: stage('records out'),
    parquet: stage('Parquet'),
    readersWaited: stage('readers waited'),
  };
  // On a shared machine wall time measures the neighbours too: CPU seconds (the whole process, every thread) give
  // a second ratio, MB per CPU second of the fleet against the single folder's, that the load moves much less.
  const fleetCpuSeconds = stage('process CPU');
  const fleetMBperCpu = bytes / MB / fleetCpuSeconds;
  const loadDuringFleet = loadAverage();
  // The older build right after, on the same fleet (its own output folder, removed after).
  let before: {
    seconds: number;
    mbPerSecond: number;
    cpuSeconds: number;
    mbPerCpuSecond: number;
    peakRssMB: number;
    load: string;
  } | null = null;
  if (options.cliBefore) {
    const beforeOut = join(OUT, 'fleet-parquet-before');
    const run = await runFleetCli(options.cliBefore, root, beforeOut, options.workers);
    rmSync(beforeOut, { recursive: true, force: true });
    const cpu = Number(/process CPU ([\d.]+) s/.exec(run.stderr)?.[1] ?? NaN);
    before = {
      seconds: run.ms / 1000,
      mbPerSecond: bytes / MB / (run.ms / 1000),
      cpuSeconds: cpu,
      mbPerCpuSecond: bytes / MB / cpu,
      peakRssMB: run.peakRssKB / 1024,
      load: loadAverage(),
    };
  }
  const result = {
    machines: summary.machines,
    unreadable: summary.unreadable.length,
    mbPerMachine: options.mb,
    workers: options.workers,
    logBytes: bytes,
    records,
    fleet: {
      seconds: fleet.ms / 1000,
      machinesPerSecond: summary.machines / (fleet.ms / 1000),
      mbPerSecond: fleetMBs,
      recordsPerSecond: records / (fleet.ms / 1000),
      peakRssMB: fleet.peakRssKB / 1024,
      parquetMB: parquetBytes / MB,
      cpuSeconds: fleetCpuSeconds,
      mbPerCpuSecond: fleetMBperCpu,
    },
    baseline: {
      bytes: baselineBytes,
      seconds: base.ms / 1000,
      mbPerSecond: baseMBs,
      records: base.records,
      peakRssMB: baseline.peakRssKB / 1024,
      cpuSeconds: base.cpuMs / 1000,
      mbPerCpuSecond: baseMBperCpu,
    },
    ratio: fleetMBs / baseMBs,
    cpuRatio: fleetMBperCpu / baseMBperCpu,
    threadSeconds: stages,
    load: loadDuringFleet,
    before: before && {
      ...before,
      ratio: before.mbPerSecond / baseMBs,
      cpuRatio: before.mbPerCpuSecond / baseMBperCpu,
    },
  };
  writeFileSync(join(OUT, `fleet-results-${options.machines}x${options.mb}MB.json`), JSON.stringify(result, null, 2));
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  process.stdout.write(
    [
      `| cmlogs fleet, ${result.machines} machines x ${options.mb} MB (${(bytes / MB).toFixed(0)} MB), ${options.workers} threads | figure |`,
      '| --- | --- |',
      `| wall time | ${result.fleet.seconds.toFixed(1)} s |`,
      `| machines/s | ${result.fleet.machinesPerSecond.toFixed(2)} (${result.unreadable} could not be read) |`,
      `| MB/s (log bytes) | ${fleetMBs.toFixed(1)} |`,
      `| records/s | ${Math.round(result.fleet.recordsPerSecond).toLocaleString('en-US')} (${records.toLocaleString('en-US')} records) |`,
      `| peak RSS | ${result.fleet.peakRssMB.toFixed(0)} MB (goal < 1024: ${pass(result.fleet.peakRssMB < 1024)}) |`,
      `| Parquet written | ${result.fleet.parquetMB.toFixed(0)} MB |`,
      `| thread time: parse / diagnose / records out / Parquet (DuckDB) | ${stages.parse} / ${stages.diagnose} / ${stages.recordsOut} / ${stages.parquet} s (${share(stages)}) |`,
      `| readers waiting for a machine (summed) | ${stages.readersWaited} s |`,
      `| process CPU | ${fleetCpuSeconds.toFixed(1)} s, ${fleetMBperCpu.toFixed(1)} MB per CPU second |`,
      `| single-folder parse+index (${(baselineBytes / MB).toFixed(0)} MB, same threads) | ${baseMBs.toFixed(1)} MB/s, peak RSS ${result.baseline.peakRssMB.toFixed(0)} MB, ${baseMBperCpu.toFixed(1)} MB per CPU second |`,
      `| fleet / single folder | ${(result.ratio * 100).toFixed(0)}% (goal >= 80%: ${pass(result.ratio >= 0.8)}); per CPU second ${(result.cpuRatio * 100).toFixed(0)}% |`,
      `| load average at the end of the run | ${result.load} |`,
      ...(result.before
        ? [
            `| --cli-before build, same fleet, right after | ${result.before.seconds.toFixed(1)} s, ${result.before.mbPerSecond.toFixed(1)} MB/s, ${result.before.mbPerCpuSecond.toFixed(1)} MB per CPU second, peak RSS ${result.before.peakRssMB.toFixed(0)} MB, load ${result.before.load} |`,
            `| --cli-before / single folder | ${(result.before.ratio * 100).toFixed(0)}% wall, ${(result.before.cpuRatio * 100).toFixed(0)}% per CPU second |`,
          ]
        : []),
      '',
    ].join('\n'),
  );
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** `cli fleet ROOT --out DIR --json --workers W`, measured. */
function runFleetCli(cli: string, root: string, outDir: string, workers: number): Promise<ChildRun> {
  return runMeasured([cli, 'fleet', root, '--out', outDir, '--json', '--workers', String(workers)]);
}

/** Each stage's share of the summed stage times, e.g. "parse 12%, diagnose 61%, ...". */
function share(stages: Record<string, number>): string {
  const names = ['parse', 'diagnose', 'recordsOut', 'parquet'];
  const total = names.reduce((n, k) => n + stages[k], 0);
  return names.map((k) => `${k} ${((stages[k] / total) * 100).toFixed(0)}%`).join(', ');
}

function duSync(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile())
      bytes += statSync(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)).size;
  return bytes;
}

if (process.argv[2] === '--baseline-child') {
  void baselineChild(Number(process.argv[3]), JSON.parse(readFileSync(process.argv[4], 'utf8')) as string[]);
}
