import { type CodeAdvice, type FailureRule, type FlowRule } from './engine';
/** The seed's scan error groups, in its order. */
export declare const SCAN_ERROR_GROUPS: CodeAdvice[];
export declare const SCAN_FAILURE_ADVICE: string[];
/** A scan failure as WUAHandler, ScanAgent or WindowsUpdate.log write it, with its code. */
export declare const SCAN_FAILURE: FailureRule;
export declare const scanFlow: FlowRule;
