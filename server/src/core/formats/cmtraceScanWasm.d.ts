export declare const CMTRACE_SCAN_WASM: string;
