export interface LogTime {
    /** Milliseconds since the epoch, UTC. */
    utc: number;
    /** The wall-clock time as written, "YYYY-MM-DDTHH:MM:SS.fff[ffff]". */
    local: string;
    biasMinutes: number | null;
}
export interface Clock {
    hour: number;
    minute: number;
    second: number;
    /** Fraction digits as written ("608", "4204997"), "" when none. */
    fraction: string;
}
/** Parses "HH:MM:SS[.f...]" at the start of text; returns the clock and what follows it. */
export declare function parseClock(text: string): {
    clock: Clock;
    rest: string;
} | null;
/** Parses a bias suffix as logs write it: "+300", "-60", "+000", "+00", "+-240" (meaning -240), " +300". */
export declare function parseBias(text: string): number | null;
/** Builds a LogTime from calendar parts; null when the parts are not a real date. */
export declare function makeLogTime(year: number, month: number, day: number, clock: Clock, biasMinutes: number | null): LogTime | null;
/** "M-D-YYYY" or "M/D/YYYY" (CMTrace, SMS trace), two-digit years as 20YY. */
export declare function parseMonthDayYear(text: string): {
    year: number;
    month: number;
    day: number;
} | null;
export declare const MONTHS: string[];
export declare function monthFromName(name: string): number;
/** Formats a bias as a UTC offset for people: +300 → "UTC-05:00", -330 → "UTC+05:30". */
export declare function biasToOffset(biasMinutes: number): string;
export declare function toIsoUtc(utc: number | null): string | null;
