// Deterministic CMTrace logs for the timeline scale test: one client's log folder with RECORDS records spread over
// eight files. Same seed → same bytes (a seeded PRNG; no clock, no locale). Realistic enough to exercise what a
// user meets: several components and threads per file, ~1.5% errors with HRESULTs, ~3% warnings, GUIDs shared
// across files, a few multi-line records (XML payloads), and two time zone biases (+300 = UTC-5, -60 = UTC+1), so
// the merge by UTC interleaves files whose local clocks are six hours apart.
//
// Everything the test asserts is counted while writing and returned in the manifest: records per file, error
// records (type="3"), records whose message contains NEEDLE, and the text, file and line of the record that comes
// last in UTC.
//
//   node test/e2e/scale-logs.js [DIR] [--records N]      (default .cache/scale, 1,000,000 records)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const VERSION = 1;
const SEED = 20240301;
/** A deployment GUID a user would search for: written into a known number of records across several files. */
const NEEDLE = '7E3A1C55-9D2B-4F60-8A41-0C5D2E9F1B77';
const UPDATE_SOURCE = 'C2D17964-BBDD-4339-B9F3-12D7205B39CC';
const LAST_TEXT = 'SCALE-LAST-RECORD: CCMEXEC service shutdown complete, all agents stopped';
const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);

const FILES = [
  { name: 'CAS.log', bias: 300, components: ['ContentAccess'] },
  { name: 'ContentTransferManager.log', bias: 300, components: ['ContentTransferManager'] },
  { name: 'DataTransferService.log', bias: 300, components: ['DataTransferService'] },
  { name: 'ScanAgent.log', bias: 300, components: ['ScanAgent'] },
  { name: 'UpdatesDeployment.log', bias: -60, components: ['UpdatesDeploymentAgent', 'UpdatesDeployment'] },
  { name: 'UpdatesHandler.log', bias: -60, components: ['UpdatesHandler'] },
  { name: 'WUAHandler.log', bias: -60, components: ['WUAHandler'] },
  {
    name: 'PolicyAgent.log',
    bias: -60,
    components: ['PolicyAgent_ReplicatePolicy', 'PolicyAgent_PolicyDownload', 'PolicyAgent_RequestAssignments'],
  },
];

const HRESULTS = [
  '0x80244021',
  '0x80244022',
  '0x8024401c',
  '0x80072ee2',
  '0x87d00692',
  '0x80070005',
  '0x87d0024a',
  '0x80240022',
];

/** sfc32 seeded through splitmix32: small, fast and the same on every platform. */
function rng(seed) {
  let s = seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32(),
    b = next32(),
    c = next32(),
    d = next32();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  return { u32, float: () => u32() / 4294967296, int: (n) => u32() % n, pick: (list) => list[u32() % list.length] };
}

function guid(r) {
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789ABCDEF'[r.int(16)];
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89AB'[r.int(4)]}${hex(3)}-${hex(12)}`;
}

const pad = (n, w) => String(n).padStart(w, '0');

/** CMTrace's time and date attributes for a UTC instant and a bias (local = UTC − bias). */
function cmtraceTime(utc, bias) {
  const d = new Date(utc - bias * 60000);
  const sign = bias >= 0 ? '+' : '-';
  return {
    time: `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}${sign}${Math.abs(bias)}`,
    date: `${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}-${d.getUTCFullYear()}`,
  };
}

function line(message, utc, bias, component, type, thread, source) {
  const { time, date } = cmtraceTime(utc, bias);
  return `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="${type}" thread="${thread}" file="${source}">\r\n`;
}

/** The message of one record: mostly routine text, sometimes an error or a warning, sometimes a shared GUID. */
function message(r, shared, kind) {
  const job = r.pick(shared.jobs);
  const update = r.pick(shared.updates);
  if (kind === 'error') {
    const code = r.pick(HRESULTS);
    return r.pick([
      `Scan failed with error = ${code}.`,
      `CTM job {${job}} failed to download content. Error ${code}`,
      `Failed to install update ${update}, error = ${code}`,
      `OnSearchComplete - Failed to end search job. Error = ${code}.`,
    ]);
  }
  if (kind === 'warning')
    return r.pick([
      `DTS job {${job}} is in a transient error state, retrying in 60 seconds`,
      `Location request timed out for update ${update}`,
      `Update ${update} is not applicable on this machine any more`,
    ]);
  return r.pick([
    `Raising event: instance of CCM_CcmHttp_Status { ClientID = "GUID:${job}"; DateTime = "20240301120000.000000+000"; HostName = "ps1site.contoso.com"; StatusCode = 200; };`,
    `Its a WSUS Update Source type ({${UPDATE_SOURCE}}), adding it.`,
    `Download location found ${r.int(20)} - http://ps1dp${r.int(9)}.contoso.com/SMS_DP_SMSPKG$/${update}`,
    `CTM job {${job}} entered state CTM_STATE_DOWNLOADING`,
    `Evaluation of update ${update} took ${r.int(900)} ms`,
    `Waiting for ${r.int(30)} seconds before retrying policy request`,
    `Policy state for [CCM_Policy_Policy5.PolicyID="{${update}}",PolicyVersion="${r.int(40)}.00",PolicySource="SMS:PS1"] is Active`,
  ]);
}

const XML_PAYLOAD = (r, shared) =>
  `Sending state message:\r\n<StateMessage MessageTime="20240301120000.000000+000" SerialNumber="${r.int(99999)}">\r\n  <Topic ID="${r.pick(shared.updates)}" Type="500" IDType="3"/>\r\n  <State ID="2" Criticality="0"/>\r\n</StateMessage>`;

function defaultDir() {
  return path.resolve(__dirname, '../../.cache/scale');
}

/**
 * Writes the logs into DIR/logs (unless DIR/manifest.json already describes the same generation) and returns the
 * manifest. Files are written in chunks so that a million records need little memory.
 */
function generateScaleLogs(dir = defaultDir(), records = 1_000_000) {
  const manifestFile = path.join(dir, 'manifest.json');
  const logs = path.join(dir, 'logs');
  try {
    const old = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (
      old.version === VERSION &&
      old.seed === SEED &&
      old.records === records &&
      old.files.every((f) => fs.statSync(path.join(logs, f.name)).size === f.bytes)
    )
      return old;
  } catch {
    // absent or stale: write it again
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(logs, { recursive: true });
  const r = rng(SEED);
  const shared = {
    jobs: Array.from({ length: 400 }, () => guid(r)),
    updates: Array.from({ length: 1500 }, () => guid(r)),
  };
  const per = Math.floor(records / FILES.length);
  const manifest = {
    version: VERSION,
    seed: SEED,
    records,
    needle: NEEDLE,
    files: [],
    errors: 0,
    warnings: 0,
    multiLine: 0,
    needleRecords: 0,
    last: null,
  };
  let lastUtc = -Infinity;
  FILES.forEach((spec, f) => {
    const count = f === FILES.length - 1 ? records - per * (FILES.length - 1) : per;
    const info = writeFile(path.join(logs, spec.name), spec, count, r, shared, f === FILES.length - 1);
    manifest.files.push({
      name: spec.name,
      bias: spec.bias,
      records: count,
      bytes: info.bytes,
      errors: info.errors,
      warnings: info.warnings,
    });
    manifest.errors += info.errors;
    manifest.warnings += info.warnings;
    manifest.multiLine += info.multiLine;
    manifest.needleRecords += info.needle;
    if (info.lastUtc > lastUtc) {
      lastUtc = info.lastUtc;
      manifest.last = {
        file: spec.name,
        line: info.lastLine,
        text: info.lastText,
        utc: new Date(info.lastUtc).toISOString(),
      };
    }
  });
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** One file: records at increasing UTC times (20–180 ms apart, so the eight files interleave over ~3 hours). */
function writeFile(file, spec, count, r, shared, endsWithLast) {
  const fd = fs.openSync(file, 'w');
  const info = { bytes: 0, errors: 0, warnings: 0, multiLine: 0, needle: 0, lastUtc: 0, lastLine: 0, lastText: '' };
  const threads = [r.int(9000) + 100, r.int(9000) + 100, r.int(9000) + 100];
  let utc = T0 + r.int(1000);
  let lineNo = 1;
  let buffer = '';
  const flush = () => {
    const bytes = Buffer.from(buffer, 'utf8');
    fs.writeSync(fd, bytes);
    info.bytes += bytes.length;
    buffer = '';
  };
  for (let k = 0; k < count; k++) {
    const last = endsWithLast && k === count - 1;
    utc += last ? 3_600_000 : 20 + r.int(160); // the very last record comes an hour after everything else
    const roll = r.float();
    const kind = last ? 'info' : roll < 0.015 ? 'error' : roll < 0.045 ? 'warning' : 'info';
    let text = last ? LAST_TEXT : r.float() < 0.004 ? XML_PAYLOAD(r, shared) : message(r, shared, kind);
    if (!last && kind === 'info' && r.float() < 0.01) text += ` (deployment ${NEEDLE})`;
    if (text.includes(NEEDLE)) info.needle++;
    if (kind === 'error') info.errors++;
    if (kind === 'warning') info.warnings++;
    const lines = text.split('\r\n').length;
    if (lines > 1) info.multiLine++;
    buffer += line(
      text,
      utc,
      spec.bias,
      r.pick(spec.components),
      kind === 'error' ? 3 : kind === 'warning' ? 2 : 1,
      r.pick(threads),
      `${spec.name.replace(/\.log$/, '').toLowerCase()}.cpp:${100 + r.int(3000)}`,
    );
    if (last) Object.assign(info, { lastUtc: utc, lastLine: lineNo, lastText: text });
    lineNo += lines;
    if (buffer.length > 1 << 20) flush();
  }
  flush();
  fs.closeSync(fd);
  if (!endsWithLast) info.lastUtc = utc;
  return info;
}

const BIG_LAST_TEXT = 'BIG-LOG-LAST-RECORD: client shutdown';

/**
 * One log of at least `minBytes` (over VS Code's 50 MB limit for syncing a document to extensions), its records a
 * day after the scale logs' so that its last record is the last of any timeline it is in. Returns its size, records
 * and the line of the last record.
 */
function writeBigLog(file, minBytes) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const r = rng(SEED + 1);
  const shared = {
    jobs: Array.from({ length: 50 }, () => guid(r)),
    updates: Array.from({ length: 200 }, () => guid(r)),
  };
  const start = T0 + 24 * 3600_000;
  let bytes = 0;
  let records = 0;
  let buffer = '';
  while (bytes + buffer.length < minBytes) {
    buffer += line(message(r, shared, 'info'), start + records * 10, 300, 'CcmExec', 1, 4242, 'ccmexec.cpp');
    records++;
    if (buffer.length > 1 << 20) {
      bytes += fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  buffer += line(BIG_LAST_TEXT, start + records * 10, 300, 'CcmExec', 1, 4242, 'ccmexec.cpp');
  records++;
  bytes += fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return { bytes, records, lastLine: records };
}

/** The first and last records of a mixed log: what "time to text" and the colour at the bottom look for. */
const MIXED_FIRST_TEXT =
  'MIXED-LOG-FIRST-RECORD: CcmExec started, job {7E3A1C55-9D2B-4F60-8A41-0C5D2E9F1B77} KB5031356';
const MIXED_LAST_TEXT = 'MIXED-LOG-LAST-RECORD: update {C2D17964-BBDD-4339-B9F3-12D7205B39CC} KB5031356 evaluated';

/**
 * One CMTrace log of at least `minBytes` as a client writes it: mostly routine records with GUIDs, 1.5% errors and
 * 3% warnings (each with its code), single-line records. Returns its size, records, lines and counts.
 */
function writeMixedLog(file, minBytes, seed = SEED + 2) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const r = rng(seed);
  const shared = {
    jobs: Array.from({ length: 50 }, () => guid(r)),
    updates: Array.from({ length: 200 }, () => guid(r)),
  };
  const start = T0 + 2 * 24 * 3600_000;
  const info = { bytes: 0, records: 0, errors: 0, warnings: 0 };
  let buffer = line(MIXED_FIRST_TEXT, start, 300, 'CcmExec', 1, 4242, 'ccmexec.cpp');
  info.records++;
  while (info.bytes + buffer.length < minBytes) {
    const roll = r.float();
    const kind = roll < 0.015 ? 'error' : roll < 0.045 ? 'warning' : 'info';
    if (kind === 'error') info.errors++;
    if (kind === 'warning') info.warnings++;
    const type = kind === 'error' ? 3 : kind === 'warning' ? 2 : 1;
    buffer += line(message(r, shared, kind), start + info.records * 10, 300, 'CcmExec', type, 4242, 'ccmexec.cpp');
    info.records++;
    if (buffer.length > 1 << 20) {
      info.bytes += fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  buffer += line(MIXED_LAST_TEXT, start + info.records * 10, 300, 'CcmExec', 1, 4242, 'ccmexec.cpp');
  info.records++;
  info.bytes += fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return { ...info, lines: info.records, lastLine: info.records };
}

module.exports = {
  generateScaleLogs,
  writeBigLog,
  writeMixedLog,
  NEEDLE,
  LAST_TEXT,
  BIG_LAST_TEXT,
  MIXED_FIRST_TEXT,
  MIXED_LAST_TEXT,
  VERSION,
};

if (require.main === module) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--records');
  const records = at >= 0 ? Number(argv[at + 1]) : 1_000_000;
  const dir = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--records');
  const t0 = Date.now();
  const m = generateScaleLogs(dir ? path.resolve(dir) : undefined, records);
  console.log(JSON.stringify({ ...m, files: m.files.length, ms: Date.now() - t0 }));
}
