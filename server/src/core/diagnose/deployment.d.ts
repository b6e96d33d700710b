import { type FlowRule } from './engine';
/** Seed: Troubleshooting > Deployment > "Updates fail to get downloaded". */
export declare const DOWNLOAD_ADVICE: string[];
/** Seed: Troubleshooting > Deployment > "Update installation fails". */
export declare const INSTALL_ADVICE: string[];
export declare const contentDownloadFlow: FlowRule;
export declare const deploymentFlow: FlowRule;
