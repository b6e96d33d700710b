import { type FlowRule } from './engine';
/** Seed: Troubleshooting > Compliance > "Clients are unable to find the WSUS Source Location". */
export declare const WSUS_LOCATION_ADVICE: string[];
/** Seed: Troubleshooting > Compliance > "Group Policy overrides WSUS Server" (explanation and Solution). */
export declare const GPO_ADVICE: string[];
export declare const locationFlow: FlowRule;
