// Timestamps of the extension's start-up and of its early requests, for the e2e tests that measure them
// (early-requests.test.js, scale.test.js): one JSON line per event appended to the file CMLOGS_TRACE_FILE names.
// Off (nothing done, nothing written) unless that variable is set in the extension host's environment.
import { appendFileSync } from 'node:fs';

const file = process.env.CMLOGS_TRACE_FILE;

/** Appends `{event, at (ms since the epoch), pid, ...detail}`; a failure to write is ignored (tracing only). */
export function trace(event: string, detail?: Record<string, unknown>): void {
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ event, at: Date.now(), pid: process.pid, ...detail })}\n`);
  } catch {
    // tracing must never break the extension
  }
}
