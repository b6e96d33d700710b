// Types of scripts/build-wasm.mjs, for test/unit/cmtraceScan.test.ts.
export function compileScanner(): Promise<Buffer>;
export function moduleText(binary: Buffer): string;
