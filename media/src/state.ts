// The timeline webview's state shapes: what the panel remembers, the parts' operations, the linked records.
import type { TimeMode, ViewSummary, WebviewMessage } from '../../client/src/shared/timelineMessages';
import type { LaneMode } from './lanes';
import type { Store } from './store';

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What the panel remembers (VS Code keeps a webview's state while it lives and across reloads). */
export interface UiState {
  /** The mode picked in this panel; null follows the setting ('auto' by default). */
  chosenTimeMode: TimeMode | null;
  laneMode: LaneMode;
  aroundSeconds: number;
  /** Follow the end of growing logs (CMTrace's tail). */
  follow: boolean;
  /** The side panels (record, linked, files) are shown. */
  side: boolean;
}

export interface Parts {
  render(): void;
  /** The overview's lanes and histogram must be asked for again and redrawn (rows or filter changed). */
  dirtyOverview(): void;
  renderDetails(): void;
  renderChain(): void;
  renderFiles(): void;
  renderBanner(): void;
  renderFileSelect(): void;
  renderComponentSelect(): void;
  syncControls(): void;
  applyColumns(): void;
  scrollIntoView(pos: number, center: boolean): void;
  scrollToEnd(): void;
  /** The view position at the top of the list, and how many rows the list shows. */
  topPosition(): number;
  visibleRows(): number;
  restoreTop(pos: number): void;
}

/** The records linked to the selection (or the followed key), from the server. */
export interface Linked {
  total: number;
  files: number;
  store: Store;
  /** Each linked row's view position, -1 when the filter hides it. */
  positions: number[];
}

export function emptySummary(): ViewSummary {
  return { minT: null, maxT: null, biases: [], components: [], localCount: 0, fileClocks: [] };
}
