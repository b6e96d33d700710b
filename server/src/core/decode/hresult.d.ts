import type { SeedHint } from './data';
export interface Facility {
    /** FACILITY_* name from winerror.h, or null when the reference gives only the number. */
    name: string | null;
    number: number;
}
/** "facility FACILITY_ITF (4), code 0x100E (4110)": what any HRESULT says about itself, in or out of the table. */
export declare function facilityText(facility: Facility, facilityCode: number): string;
/** One row of the reference table for a code. */
export interface CodeEntry {
    name: string;
    message: string;
    source: string;
    /** True for rows that are a Win32 error converted with HRESULT_FROM_WIN32. */
    win32: boolean;
}
export interface Win32Part {
    /** The Win32 error number (the low 16 bits of a 0x8007xxxx HRESULT). */
    code: number;
    name: string | null;
    message: string | null;
}
export type CodeSeverity = 'success' | 'failure';
export interface CodeInfo {
    /** "0x" + 8 upper-case hex digits. */
    code: string;
    /** The code as an unsigned 32-bit number. */
    value: number;
    /** True when the reference table has at least one row for the code. */
    known: boolean;
    /** Every non-empty symbolic name, Win32 rows first, then in table order. */
    names: string[];
    /** The message of the first row in `names` order ('' when unknown or not published). */
    message: string;
    /** All table rows in file order. */
    entries: CodeEntry[];
    facility: Facility;
    severity: CodeSeverity;
    /** Low 16 bits: the facility's own code number. */
    facilityCode: number;
    /** Present for FACILITY_WIN32 codes (0x8007xxxx), known or not. */
    win32?: Win32Part;
    /** Source of the first row in `names` order, or null when unknown. */
    source: string | null;
    seedHint?: SeedHint;
}
export declare function formatCode(value: number): string;
/** HRESULT_FROM_WIN32: 0 stays 0, 1..0xFFFF become 0x8007xxxx. */
export declare function hresultFromWin32(win32: number): number;
export declare function isWin32Facility(value: number): boolean;
/** True when the reference table has a row for the code (cheap: used while scanning logs). */
export declare function isKnownCode(value: number): boolean;
/** True when the table has a Win32 row (HRESULT_FROM_WIN32) for this Win32 error number. */
export declare function isKnownWin32(win32: number): boolean;
export declare function facilityOf(value: number): Facility;
/** Decodes a 32-bit code (signed or unsigned); every field comes from the table or the code's bits. */
export declare function lookupCode(input: number): CodeInfo;
/** Decodes a Win32 error number (0..65535) through its HRESULT_FROM_WIN32 form. */
export declare function lookupWin32(win32: number): CodeInfo;
