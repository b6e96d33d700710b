export declare const POLICY_AGENT: {
    logs: string[];
    components: string[];
};
export declare const SCHEDULER: {
    logs: string[];
    components: string[];
};
export declare const UPDATES_DEPLOYMENT: {
    logs: string[];
    components: string[];
};
export declare const UPDATES_HANDLER: {
    logs: string[];
    components: string[];
};
export declare const CAS: {
    logs: string[];
    components: string[];
};
export declare const CTM: {
    logs: string[];
    components: string[];
};
export declare const LOCATION_SERVICES: {
    logs: string[];
    components: string[];
};
export declare const DTS: {
    logs: string[];
    components: string[];
};
export declare const WUAHANDLER: {
    logs: string[];
    components: string[];
};
export declare const WINDOWS_UPDATE: {
    logs: string[];
};
export declare const SCAN_AGENT: {
    logs: string[];
    components: string[];
};
export declare const CCM_MESSAGING: {
    logs: string[];
    components: string[];
};
export declare const SERVICE_WINDOW_MANAGER: {
    logs: string[];
    components: string[];
};
export declare const STATE_MESSAGE: {
    logs: string[];
    components: string[];
};
export declare const MP_RELAY: {
    logs: string[];
    components: string[];
};
export declare const MPFDM: {
    logs: string[];
    components: string[];
};
export declare const STATESYS: {
    logs: string[];
    components: string[];
};
export declare const WSYNCMGR: {
    logs: string[];
    components: string[];
};
export declare const WCM: {
    logs: string[];
    components: string[];
};
export declare const SOFTWARE_DISTRIBUTION: {
    logs: string[];
};
export declare const SERVER_LOGS: {
    logs: string[];
    components: string[];
};
