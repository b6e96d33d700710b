import { type FlowRule } from './engine';
/** Seed: Troubleshooting > Synchronization, the prerequisites to verify before anything else. */
export declare const SYNC_PREREQUISITES: string[];
export declare const WSUS_NOT_CONFIGURED_ADVICE: string[];
export declare const AUTH_PROXY_ADVICE: string[];
export declare const WEB_SERVICE_ADVICE: string[];
export declare const SSL_ADVICE: string[];
export declare const EULA_ADVICE: string[];
export declare const MICROSOFT_UPDATE_ADVICE: string[];
export declare const WSUSCTRL_ADVICE: string[];
export declare const syncFlow: FlowRule;
