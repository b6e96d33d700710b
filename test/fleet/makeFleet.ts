// A small fleet made at test time from samples/: six machines as admins collect them, with the variations real
// fleets have. Nothing here is copied into the repository; the expectations are computed from the same files.
//
//   PC-OK-01     samples/client as collected (a folder)
//   PC-ZIP-02    the same logs in a .zip (under Logs/, some deflated, one stored), read without unpacking
//   PC-SCAN-03   the client, but its 01-20 scan fails with 0x80244021 (WUAHandler reports it; nothing recovers)
//   PC-TZ-04     the client's logs written in UTC+01:00 (bias -60): local times 6 hours later, same UTC
//   collect-0005 a folder with a ClientIDManagerStartup.log that names the machine PC-NAMED-05, and a
//                LocationServices line that names a server (which must not be taken for the machine's name)
//   PC-QUIET-06  noise only: a plain text file and an empty log (no flow, no finding)
// plus a loose file at the top (skipped, with a reason). (.cab bundles: see cabBytes and their own test.)
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export const SAMPLES = resolve(__dirname, '../../samples');

export interface ZipFile {
  name: string;
  data: Buffer;
  store?: boolean;
}

/** A minimal zip writer (deflate or stored entries, UTF-8 names), enough to make test bundles. */
export function zipBytes(files: ZipFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const body = file.store ? file.data : deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(file.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(file.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

/**
 * A minimal cabinet writer (one folder, no compression, no checksums; UTF-8 names), enough to make test bundles as
 * `makecab` would hold them (cabextract reads it as it reads MSZIP ones; the layout is [MS-CAB] 2.1-2.4).
 */
export function cabBytes(files: Array<{ name: string; data: Buffer }>): Buffer {
  const names = files.map((f) => Buffer.from(f.name.replace(/\//g, '\\') + '\0', 'utf8'));
  const all = Buffer.concat(files.map((f) => f.data));
  const BLOCK = 32768;
  const blocks = Math.max(1, Math.ceil(all.length / BLOCK));
  const filesAt = 36 + 8;
  const dataAt = filesAt + files.reduce((n, _f, i) => n + 16 + names[i].length, 0);
  const size = dataAt + blocks * 8 + all.length;
  const header = Buffer.alloc(36);
  header.write('MSCF', 0, 'latin1');
  header.writeUInt32LE(size, 8);
  header.writeUInt32LE(filesAt, 16);
  header.writeUInt8(3, 24); // version 1.3
  header.writeUInt8(1, 25);
  header.writeUInt16LE(1, 26); // folders
  header.writeUInt16LE(files.length, 28);
  const folder = Buffer.alloc(8);
  folder.writeUInt32LE(dataAt, 0);
  folder.writeUInt16LE(blocks, 4); // typeCompress 0: stored
  let offset = 0;
  const entries = files.map((f, i) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt32LE(f.data.length, 0);
    entry.writeUInt32LE(offset, 4);
    entry.writeUInt16LE(0x5a21, 10); // 2025-01-01 (offset 8: folder 0)
    entry.writeUInt16LE(0x6000, 12); // 12:00
    entry.writeUInt16LE(0x20 | 0x80, 14); // archive, name is UTF-8
    offset += f.data.length;
    return Buffer.concat([entry, names[i]]);
  });
  const data: Buffer[] = [];
  for (let b = 0; b < blocks; b++) {
    const chunk = all.subarray(b * BLOCK, (b + 1) * BLOCK);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(chunk.length, 4);
    head.writeUInt16LE(chunk.length, 6);
    data.push(head, chunk);
  }
  return Buffer.concat([header, folder, ...entries, ...data]);
}

const CLIENT = join(SAMPLES, 'client');
const clientFiles = () =>
  readdirSync(CLIENT)
    .filter((n) => /\.(?:log|lo_)$/i.test(n))
    .sort();

/** The broken scan of the diagnosis tests: WUAHandler's 01-20 search ends with 0x80244021 and nothing recovers. */
export function brokenScanWuaHandler(text: string): string {
  const line = (message: string, time: string) =>
    `<![LOG[${message}]LOG]!><time="${time}+300" date="01-20-2014" component="WUAHandler" context="" type="3" thread="1800" file="">`;
  const failed = [
    line('OnSearchComplete - Failed to end search job. Error = 0x80244021.', '12:18:53.140'),
    line('Scan failed with error = 0x80244021.', '12:18:53.200'),
  ];
  return text
    .split('\r\n')
    .flatMap((l) => (l.includes('Async searching completed.') ? failed : [l]))
    .filter(
      (l) => !['Finished searching', 'Pruning', 'Update (', 'Successfully completed scan'].some((n) => l.includes(n)),
    )
    .join('\r\n');
}

/** The same instants written by a clock `hours` later with bias `bias`: CMTrace time/date and WindowsUpdate.log stamps. */
export function shiftZone(text: string, hours: number, bias: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const cmtrace = text.replace(
    /time="(\d\d):(\d\d):(\d\d)\.(\d{3})([+-]\d+)" date="(\d\d)-(\d\d)-(\d{4})"/g,
    (_m, h, mi, s, ms, _b, mo, d, y) => {
      const t = new Date(Date.UTC(+y, +mo - 1, +d, +h + hours, +mi, +s, +ms));
      return `time="${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}${bias >= 0 ? '+' : ''}${bias}" date="${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}-${t.getUTCFullYear()}"`;
    },
  );
  // WindowsUpdate.log: "2014-01-27\t09:12:07:870\t" (local), its zone said once in "Logging initialized (... tz: -0500)".
  const offset = -bias;
  const tz = `tz: ${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return cmtrace
    .replace(/tz: [+-]\d{4}/g, tz)
    .replace(/^(\d{4})-(\d\d)-(\d\d)\t(\d\d):(\d\d):(\d\d):(\d{3})\t/gm, (_m, y, mo, d, h, mi, s, ms) => {
      const t = new Date(Date.UTC(+y, +mo - 1, +d, +h + hours, +mi, +s, +ms));
      return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}\t${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}:${pad(t.getUTCMilliseconds(), 3)}\t`;
    });
}

function copyClient(dir: string, edit: (name: string, text: string) => string = (_n, t) => t): void {
  mkdirSync(dir, { recursive: true });
  for (const name of clientFiles()) {
    const bytes = readFileSync(join(CLIENT, name));
    // StateMessage.log is UTF-16LE, as the client writes it: it stays so.
    const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf16le' : 'utf8';
    const text = bytes.toString(encoding);
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    writeFileSync(join(dir, name), Buffer.from(bom + edit(name, text.slice(bom.length)), encoding));
  }
}

const cm = (message: string, time: string, component: string) =>
  `<![LOG[${message}]LOG]!><time="${time}+000" date="03-02-2014" component="${component}" context="" type="1" thread="512" file="">`;

/** Writes the fleet under `root` (emptied first); returns the machine folders/zips by expected machine name. */
export function makeFleet(root: string): Record<string, string> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const at = (name: string) => join(root, name);
  copyClient(at('PC-OK-01'));
  const zipped = clientFiles().map((name, i) => ({
    name: `Logs/${name}`,
    data: readFileSync(join(CLIENT, name)),
    store: i === 0,
  }));
  writeFileSync(
    at('PC-ZIP-02.zip'),
    zipBytes([...zipped, { name: 'readme-not-a-log.xml', data: Buffer.from('<x/>') }]),
  );
  copyClient(at('PC-SCAN-03'), (name, text) => (name === 'WUAHandler.lo_' ? brokenScanWuaHandler(text) : text));
  copyClient(at('PC-TZ-04'), (_name, text) => shiftZone(text, 6, -60));
  mkdirSync(at('collect-0005'), { recursive: true });
  writeFileSync(
    join(at('collect-0005'), 'ClientIDManagerStartup.log'),
    [
      cm('[RegTask] - Client is already registered. Exiting.', '08:00:00.000', 'ClientIDManagerStartup'),
      cm(
        'Raising event:\r\ninstance of CCM_ServiceHost_CertRetrieval_Status\r\n{\r\n\tClientID = "GUID:E3870B32-AED3-43EC-BF35-F4C55EEEEB4B";\r\n\tMachineName = "PC-NAMED-05";\r\n\tSiteCode = "CM2";\r\n};\r\n',
        '08:00:01.000',
        'ClientIDManagerStartup',
      ),
    ].join('\r\n') + '\r\n',
  );
  writeFileSync(
    join(at('collect-0005'), 'LocationServices.log'),
    cm(
      'Current AD site of machine is Default-First-Site-Name; MachineName = "CM2-MP.contoso.com";',
      '08:00:02.000',
      'LocationServices',
    ) + '\r\n',
  );
  mkdirSync(at('PC-QUIET-06'), { recursive: true });
  writeFileSync(join(at('PC-QUIET-06'), 'notes.txt'), 'collected by script\nno ConfigMgr client on this machine\n');
  writeFileSync(join(at('PC-QUIET-06'), 'CcmExec.log'), '');
  writeFileSync(at('inventory.csv'), 'name\nPC-OK-01\n');
  return {
    'PC-OK-01': at('PC-OK-01'),
    'PC-ZIP-02': at('PC-ZIP-02.zip'),
    'PC-SCAN-03': at('PC-SCAN-03'),
    'PC-TZ-04': at('PC-TZ-04'),
    'PC-NAMED-05': at('collect-0005'),
    'PC-QUIET-06': at('PC-QUIET-06'),
  };
}
