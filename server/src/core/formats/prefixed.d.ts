import type { FormatId } from '../record';
import { type RecordFields } from './fields';
export interface PrefixedFormat {
    id: FormatId;
    /** Cheap test before the regular expression runs. */
    mayStart(line: string): boolean;
    parse(line: string): RecordFields | null;
}
export declare const wuClassic: PrefixedFormat;
export declare const wuEtw: PrefixedFormat;
export declare const wsus: PrefixedFormat;
export declare const setupNumeric: PrefixedFormat;
export declare const setupNamed: PrefixedFormat;
/** Order matters: WSUS before the ETW form (both may start YYYY-MM-DD). */
export declare const PREFIXED_FORMATS: PrefixedFormat[];
/**
 * Classic WindowsUpdate.log writes local time without a zone, but each service start logs
 * "Logging initialized (build: 7.6.7600.256, tz: -0500)": the bias for the records that follow.
 */
export declare function declaredBias(message: string): number | null;
/** Gives a record without a bias the one its file declared (UTC = local + bias). */
export declare function withBias(fields: RecordFields, bias: number): RecordFields;
