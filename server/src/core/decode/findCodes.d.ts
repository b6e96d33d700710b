import { type CodeInfo } from './hresult';
export type CodeKind = 'hresult' | 'win32';
export interface CodeMatch {
    /** Offset of the number token (including 0x or a minus sign) in the text. */
    start: number;
    end: number;
    text: string;
    /** HRESULT as unsigned 32-bit for kind 'hresult'; the Win32 error number for kind 'win32'. */
    value: number;
    kind: CodeKind;
}
/** Error codes in `text`, in order of appearance. */
export declare function findCodes(text: string): CodeMatch[];
/** The decoded meaning of a match (Win32 numbers go through HRESULT_FROM_WIN32). */
export declare function decodeMatch(match: CodeMatch): CodeInfo;
