// Where a worker thread's code is, and how to start it: shared by the parse pool (parallel.ts) and the fleet's
// machine pool (fleet/pool.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The worker module itself when `self` (the caller's __filename) is it, as under tsx in tests; else `bundle`
 * beside the bundle the caller was built into; else null.
 */
export function workerEntry(self: string, moduleName: string, bundle: string): string | null {
  if (new RegExp(`[\\\\/]${moduleName}\\.(?:[cm]?js|ts)$`).test(self)) return self;
  const beside = self ? join(dirname(self), bundle) : '';
  return beside && existsSync(beside) ? beside : null;
}

/** Worker source: a .ts entry needs tsx's require hook inside the worker (execArgv hooks do not reach workers). */
export function workerSource(entry: string): string {
  if (!entry.endsWith('.ts')) return `require(${JSON.stringify(entry)});`;
  let hook = '';
  try {
    hook = require.resolve(['tsx', 'cjs'].join('/'), { paths: [dirname(entry), process.cwd()] });
  } catch {
    throw new Error(`cannot run ${entry} in a worker without tsx`);
  }
  return `require(${JSON.stringify(hook)}); require(${JSON.stringify(entry)});`;
}
