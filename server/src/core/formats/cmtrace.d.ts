import type { Severity } from '../record';
import { type LogTime } from '../time';
import { type RecordFields } from './fields';
export declare const CMTRACE_OPEN = "<![LOG[";
export declare const CMTRACE_HEADER = "]LOG]!><";
/** Parses the attribute text between "]LOG]!><" and ">" and combines it with the message. */
export declare function cmtraceFields(message: string, attributeText: string): RecordFields;
/** The record's time; the common shape ("13:53:52.608+300") takes a fast path, anything else the general one. */
export declare function cmtraceTime(time: string, date: string): LogTime | null;
interface Day {
    iso: string;
    utcMidnight: number;
}
/** The day of a CMTrace date="..." (the last one is remembered: most records of a file share it). */
export declare function cmtraceDay(date: string): Day | null;
/** Every shape real writers produce: 1-digit hours, spaces, 7-digit fractions, "+-240", no bias. */
export declare function generalCmtraceTime(time: string, date: string): LogTime | null;
/** type: 1 information, 2 warning, 3 error; 0 is MSI/verbose pass-through; 4 and up are verbose/debug levels. */
export declare function severityFromType(rawType: string | null): Severity;
export {};
