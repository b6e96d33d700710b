// What a timeline shows of a folder while the folder's logs are still being read (issue #23: "loading never starves
// the editor"). The panel asks again every 0.75 s while a folder loads, and each answer merged every record indexed
// so far: with the 4 M records of a 1 GB folder, a second at a time in which the language server answered nothing
// else, and a log opened meanwhile waited for its colours (3.5 s to show it, 1.8 s otherwise, in code-server).
// Here the logs shown grow only once the records read have grown by half since the last merge, so the merges of a
// load add up to a few merges of the whole instead of one per log, and never while the editor is being used.

/** The records read must have grown by this factor since the last merge before the next one. */
export const SHOWN_GROWTH = 1.5;
/** After a request about an open log, the server defers for this long what can wait (the next merge). */
export const EDITOR_QUIET_MS = 2000;

/** A log of a loading folder that is read: its path and how many records it has. */
export interface ReadLog {
  file: string;
  records: number;
}

export class LoadingTimelines {
  private lastEditorRequest = -Infinity;
  private readonly shown = new Map<string, { files: string[]; records: number }>();

  /** `now`: a clock in milliseconds (tests give their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A request about an open log came (opened, edited, hovered, coloured): what can wait, waits. */
  editorRequest(): void {
    this.lastEditorRequest = this.now();
  }

  /** True for a while after the editor's last request: its next one (a scroll, a hover) is not queued behind a merge. */
  editorBusy(): boolean {
    return this.now() - this.lastEditorRequest < EDITOR_QUIET_MS;
  }

  /**
   * The logs of `folder` an answer merges while it loads, given the logs read so far (`read`): the ones shown last
   * time, unless the records read have grown by half since (and the editor is quiet), or a log shown is no longer
   * read (dropped: it cannot be merged). Sorted, as the folder's logs are in a timeline.
   */
  shownWhileLoading(folder: string, read: ReadLog[]): string[] {
    const files = read.map((log) => log.file).sort();
    const records = read.reduce((n, log) => n + log.records, 0);
    const last = this.shown.get(folder);
    const readNow = new Set(files);
    const stillRead = !!last && last.files.every((file) => readNow.has(file));
    const grown = !last || records >= last.records * SHOWN_GROWTH;
    if (!stillRead || (grown && !this.editorBusy())) this.shown.set(folder, { files, records });
    return this.shown.get(folder)!.files;
  }

  /** The folder is loaded: its answers merge all of it from now on. */
  loaded(folder: string): void {
    this.shown.delete(folder);
  }
}
