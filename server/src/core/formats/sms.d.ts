import { type RecordFields } from './fields';
export declare const SMS_MARK = "$$<";
/** Returns the record if the line ends with an SMS trailer; `body` is the message text before it. */
export declare function smsFields(lineText: string, previousLines: string[]): RecordFields | null;
