// Bundles the client, the language server and the CLI with esbuild (one file each, CommonJS for Node), and the
// timeline webview's TypeScript modules (media/src/, one IIFE for the browser, with the code it shares with the
// client from client/src/shared/) into media/out/.
import { build } from 'esbuild';

// Minified (names kept, so stack traces stay readable; source maps beside the bundles for debugging).
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'client/out/extension.js',
    external: ['vscode'],
    // When the extension host began to evaluate the bundle (client/src/trace.ts reports it with the activation).
    banner: { js: 'globalThis.__cmlogsBundleStart = Date.now();' },
  }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js' }),
  // DuckDB (cmlogs fleet) is a native module: loaded at run time from node_modules, never bundled.
  build({
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'server/out/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['@duckdb/node-api'],
  }),
  // The worker that reads whole machines for cmlogs fleet (core/fleet/pool.ts finds it beside cli.js).
  build({ ...common, entryPoints: ['server/src/core/fleet/pool.ts'], outfile: 'server/out/fleetPool.js' }),
  // The worker that parses files on other cores (core/parallel.ts finds it beside cli.js and server.js).
  build({ ...common, entryPoints: ['server/src/core/parallel.ts'], outfile: 'server/out/parallel.js' }),
  // The language server's diagnosis runs in this worker (features/diagnose.ts finds it beside server.js).
  build({ ...common, entryPoints: ['server/src/features/diagnoseWorker.ts'], outfile: 'server/out/diagnoseWorker.js' }),
  // VS Code 1.91's webviews are Chromium 124 or newer. The page's CSP allows this one file by nonce.
  build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    entryPoints: ['media/src/main.ts'],
    outfile: 'media/out/timeline.js',
  }),
]);
