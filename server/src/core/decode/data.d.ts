export interface HresultData {
    /** The reference `source` column, interned. */
    sources: string[];
    /** Facility number → FACILITY_* name. */
    facilities: Record<string, string>;
    /** Codes whose stated facility differs from (code >> 16) & 0x1FFF. */
    facilityOverrides: Record<string, number>;
    /** 8 upper-case hex digits → rows [symbolic name, message, source index], file order. */
    codes: Record<string, Array<[string, string, number]>>;
}
/** [severity letter or '', component or '', template, source index, placeholder → ISTR index]. */
export type StatmsgRow = [string, string, string, number, Record<string, number>?];
export interface StatmsgData {
    sources: string[];
    messages: Record<string, StatmsgRow[]>;
}
/** [state ID or null, name, kind index, source index]. */
export type StateRow = [number | null, string, number, number];
export interface StateData {
    kinds: string[];
    sources: string[];
    topics: Record<string, {
        name: string;
        rows: StateRow[];
    }>;
}
export interface SeedHint {
    /** "0x" + 8 upper-case hex digits. */
    code: string;
    /** Seed document id (file name without .txt) in ../shared/seeds. */
    seed: string;
    /** Headings above the section, outermost first. */
    path: string[];
    /** The heading (or bold lead line) that names the code, verbatim. */
    section: string;
    summary: string;
    steps: string[];
}
export declare const hresultData: HresultData;
export declare const statmsgData: StatmsgData;
export declare const stateData: StateData;
export declare const seedHints: SeedHint[];
