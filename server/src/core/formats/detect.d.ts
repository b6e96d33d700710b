import type { FormatId } from '../record';
export declare function detectFormat(headText: string): FormatId;
export declare function lineFormat(line: string): FormatId;
