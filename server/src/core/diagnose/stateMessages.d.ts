import { type FlowRule } from './engine';
/** Seed: Troubleshooting > Compliance > "Compliance results Unknown". */
export declare const COMPLIANCE_UNKNOWN_ADVICE: string[];
export declare const MPFDM_ADVICE: string[];
export declare const STATESYS_ADVICE: string[];
export declare const stateMessageFlow: FlowRule;
/** The site server half on its own: each StateSys processing batch, with what relayed it. */
export declare const stateSystemFlow: FlowRule;
