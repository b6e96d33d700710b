// A log on disk that may still be growing. Each update reads only the bytes added since the last one;
// the record still open at the end is kept provisional and re-read when more text arrives.
import { open, stat } from 'node:fs/promises';
import { resultOf, StreamingParser, type ParseResult } from './parse';
import { RecordTable } from './table';

export type LiveChange = { kind: 'unchanged' | 'rewritten' } | { kind: 'appended'; keep: number };

const CHUNK = 1 << 20;

/** What every growing log holds: the records closed so far, the ones still open, and the parser between. */
abstract class GrowingLog {
  protected parser!: StreamingParser;
  /** The closed records, then the provisional ones (which are replaced at every update). */
  private table!: RecordTable;
  protected finalCount = 0;

  constructor(readonly path: string) {
    this.restart();
  }

  /** The same table at every call until the log is rewritten: updates change it in place. */
  records(): RecordTable {
    return this.table;
  }

  result(): ParseResult {
    return resultOf(this.parser, this.table);
  }

  /** Forgets everything: the next text is parsed as the start of the log. */
  protected restart(): StreamingParser {
    this.table = new RecordTable(this.path);
    this.finalCount = 0;
    this.parser = new StreamingParser(this.path, (r) => {
      this.table.push(r);
      this.finalCount++;
    });
    return this.parser;
  }

  /** Drops the provisional records before new text is parsed. */
  protected beforeNewText(): number {
    this.table.truncate(this.finalCount);
    return this.finalCount;
  }

  /** The records still open at the end of the text, as they would be if it ended now. */
  protected afterNewText(): void {
    for (const r of this.parser.pendingRecords()) this.table.push(r);
  }
}

export class LiveFile extends GrowingLog {
  private size = 0;
  private identity = '';
  private started = false;

  /** Reads what was added since the last call; a shorter or replaced file is read again from the start. */
  async update(): Promise<LiveChange> {
    const info = await stat(this.path);
    const identity = `${info.dev}:${info.ino}`;
    const rewritten = this.started && (identity !== this.identity || info.size < this.size);
    if (this.started && !rewritten && info.size === this.size) return { kind: 'unchanged' };
    if (rewritten || !this.started) this.reset(identity);
    const keep = this.beforeNewText();
    await this.readRange(this.size, info.size);
    this.size = info.size;
    this.afterNewText();
    return rewritten || keep === 0 ? { kind: 'rewritten' } : { kind: 'appended', keep };
  }

  private reset(identity: string): void {
    this.started = true;
    this.identity = identity;
    this.size = 0;
    this.restart();
  }

  private async readRange(from: number, to: number): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(CHUNK);
      for (let at = from; at < to;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, to - at), at);
        if (bytesRead === 0) break;
        this.parser.push(Buffer.from(buffer.subarray(0, bytesRead))); // a copy: the parser may keep it
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
}

const PROBE = 1024;

/**
 * An editor buffer that may be growing (VS Code reloads a log that is still being written). When the new
 * text is the old text plus more — its head and the end of the old text are unchanged — only the added
 * text is parsed; any other edit parses the buffer again.
 */
export class LiveText extends GrowingLog {
  private length = 0;
  private head = '';
  private tail = '';

  constructor(path: string, text: string) {
    super(path);
    this.load(text);
  }

  update(text: string): LiveChange {
    const appended =
      text.length >= this.length &&
      text.startsWith(this.head) &&
      text.slice(Math.max(0, this.length - PROBE), this.length) === this.tail;
    if (!appended) {
      this.load(text);
      return { kind: 'rewritten' };
    }
    if (text.length === this.length) return { kind: 'unchanged' };
    const keep = this.beforeNewText();
    this.parser.pushText(text.slice(this.length));
    this.remember(text);
    return { kind: 'appended', keep };
  }

  private load(text: string): void {
    this.restart().pushText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    this.remember(text);
  }

  private remember(text: string): void {
    this.length = text.length;
    this.head = text.slice(0, PROBE);
    this.tail = text.slice(Math.max(0, text.length - PROBE));
    this.afterNewText();
  }
}
