// Types of scripts/build-wasm.mjs, for test/unit/cmtraceScan.test.ts.
export const SCANNERS: Array<{ source: string; target: string; name: string }>;
export function compileScanner(source?: string): Promise<Buffer>;
export function moduleText(binary: Buffer, source?: string, name?: string): string;
