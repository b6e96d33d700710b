// The webview's entry point (bundled by scripts/build.mjs into media/out/timeline.js): starts the UI with the
// API VS Code gives a webview. Kept apart from timeline.js so that unit tests can load that without a webview.
/* global acquireVsCodeApi */
import { start } from './timeline';

start(acquireVsCodeApi());
