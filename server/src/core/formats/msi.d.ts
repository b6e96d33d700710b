import { type RecordFields } from './fields';
export interface MsiDay {
    year: number;
    month: number;
    day: number;
    /** Seconds into the day of the last record, to notice midnight. */
    lastSecond: number;
}
export declare function looksLikeMsi(line: string): boolean;
/** Reads a record start line; `day` is the date in effect (updated in place, also across midnight). */
export declare function msiFields(line: string, day: MsiDay | null): {
    fields: RecordFields;
    day: MsiDay | null;
} | null;
