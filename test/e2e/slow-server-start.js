// Preloaded into the Node processes of an e2e run (NODE_OPTIONS=--require …) by early-requests.test.js: holds back
// the start of the language server (server/out/server.js, and only it) for CMLOGS_E2E_SERVER_DELAY_MS, so that what
// a user does in the seconds after a log opens happens, every run, before the server is up; then appends when it
// let the server go to CMLOGS_E2E_SERVER_MARK (one JSON line). Any other process is left alone.
'use strict';
const fs = require('node:fs');

const delay = Number(process.env.CMLOGS_E2E_SERVER_DELAY_MS || 0);
if (delay > 0 && /server[\\/]out[\\/]server\.js$/.test(process.argv[1] || '')) {
  const from = Date.now();
  const startedMark = process.env.CMLOGS_E2E_SERVER_STARTED_MARK;
  // The server's process exists: the extension has activated (it starts the client, which starts this process).
  if (startedMark) fs.appendFileSync(startedMark, `${JSON.stringify({ pid: process.pid, from })}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay); // a blocked start, like a slow machine's
  const mark = process.env.CMLOGS_E2E_SERVER_MARK;
  if (mark) fs.appendFileSync(mark, `${JSON.stringify({ pid: process.pid, from, released: Date.now() })}\n`);
}
