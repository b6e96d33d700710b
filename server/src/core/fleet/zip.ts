// A .zip bundle of one machine's logs (ConfigMgr's "Collect client logs", Intune's "Collect diagnostics", a
// script's Compress-Archive), read in place: the central directory says where each file is, and each log is
// inflated as a stream straight into the parser. Nothing is unpacked to disk and no entry is held whole.
//
// Handled: stored (0) and deflated (8) entries, Zip64 sizes and offsets, data descriptors (the central directory
// has the sizes). Not handled, and reported as skipped: encrypted entries and other methods (bzip2, LZMA...).
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** The entries of a zip file (files only, not folders). Throws when the file is not a zip. */
export async function readZipEntries(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const { offset, length } = await centralDirectory(handle, size);
    const central = await readAt(handle, offset, length);
    return parseCentral(central).filter((e) => !e.name.endsWith('/'));
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead < length) throw new Error('not a zip file (cut short)');
  return buffer;
}

/** Where the central directory is: from the end record, or its Zip64 twin when the archive needs one. */
async function centralDirectory(handle: FileHandle, size: number): Promise<{ offset: number; length: number }> {
  const tailLength = Math.min(size, 22 + MAX_COMMENT + 20);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let at = tail.length - 22;
  while (at >= 0 && tail.readUInt32LE(at) !== EOCD) at--;
  if (at < 0) throw new Error('not a zip file (no end of central directory)');
  let length = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if ((offset === 0xffffffff || length === 0xffffffff) && at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
    const zip64At = Number(tail.readBigUInt64LE(at - 20 + 8));
    const zip64 = await readAt(handle, zip64At, 56);
    if (zip64.readUInt32LE(0) !== ZIP64_EOCD) throw new Error('bad Zip64 end of central directory');
    length = Number(zip64.readBigUInt64LE(40));
    offset = Number(zip64.readBigUInt64LE(48));
  }
  if (offset + length > size) throw new Error('not a zip file (central directory out of range)');
  return { offset, length };
}

function parseCentral(central: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (let at = 0; at + 46 <= central.length && central.readUInt32LE(at) === CENTRAL;) {
    const flags = central.readUInt16LE(at + 8);
    const nameLength = central.readUInt16LE(at + 28);
    const extraLength = central.readUInt16LE(at + 30);
    const commentLength = central.readUInt16LE(at + 32);
    // Bit 11: the name is UTF-8; otherwise it is in the DOS code page, of which ASCII names (nearly all logs) agree.
    const name = central.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength).replace(/\\/g, '/');
    const entry: ZipEntry = {
      name,
      method: central.readUInt16LE(at + 10),
      encrypted: (flags & 1) !== 0,
      compressedSize: central.readUInt32LE(at + 20),
      size: central.readUInt32LE(at + 24),
      localHeaderOffset: central.readUInt32LE(at + 42),
    };
    applyZip64(entry, central.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Zip64 extra field (0x0001): the 64-bit values, in this order, of those the entry marked 0xFFFFFFFF. */
function applyZip64(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const next = () => (p + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE((p += 8) - 8)) : null);
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    at += 4 + length;
  }
}

/** Why an entry cannot be read, or null when it can. */
export function unreadableReason(entry: ZipEntry): string | null {
  if (entry.encrypted) return 'encrypted';
  if (entry.method !== 0 && entry.method !== 8)
    return `compression method ${entry.method} is not supported (only stored and deflate)`;
  return null;
}

/** Streams an entry's uncompressed bytes to `onChunk`, chunk by chunk. */
export async function streamZipEntry(path: string, entry: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
  const reason = unreadableReason(entry);
  if (reason) throw new Error(reason); // the caller names the entry
  const start = await dataStart(path, entry);
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  const source = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 1 << 20 })) : raw;
  await new Promise<void>((resolve, reject) => {
    raw.on('error', reject);
    source.on('error', reject);
    source.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (error) {
        raw.destroy();
        reject(error);
      }
    });
    source.on('end', resolve);
  });
}

/** The local header repeats the name and has its own extra field: the data starts after both. */
async function dataStart(path: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL) throw new Error('bad local header');
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}
