import { type FlowModule, type FlowRule } from './engine';
export type Recurrence = {
    kind: 'once';
} | {
    kind: 'interval';
    days: number;
    hours: number;
    minutes: number;
} | {
    kind: 'weekly';
    weekday: number;
    weeks: number;
} | {
    kind: 'monthlyByWeekday';
    weekday: number;
    weekOrder: number;
    months: number;
} | {
    kind: 'monthlyByDate';
    monthDay: number;
    months: number;
} | {
    kind: 'unknown';
    flags: number;
};
export interface ScheduleToken {
    hex: string;
    /** The start as the token holds it: local time of the client unless `isGmt`. */
    start: {
        year: number;
        month: number;
        day: number;
        hour: number;
        minute: number;
    };
    duration: {
        days: number;
        hours: number;
        minutes: number;
    };
    isGmt: boolean;
    recurrence: Recurrence;
}
/** One 16-hex-digit ScheduleToken; undefined when the text is not one. */
export declare function decodeScheduleToken(hex: string): ScheduleToken | undefined;
/** A schedule string: one or more tokens written back to back. */
export declare function decodeScheduleString(text: string): ScheduleToken[];
/** "weekly on Wednesday at 22:00, from 2013-04-02, for 7 hours (client local time)". */
export declare function describeScheduleToken(token: ScheduleToken): string;
export declare function describeScheduleString(text: string): string | undefined;
/** CCM_ServiceWindow Type (Configuration Manager client SDK), with the seed's note on type 6. */
export declare const SERVICE_WINDOW_TYPES: Record<string, string>;
export declare const REVIEW_SERVICE_WINDOWS: string[];
export declare const UNEXPECTED_REBOOT_ADVICE: string[];
export declare const restartRule: FlowRule;
export declare const rebootWindowsModule: FlowModule;
