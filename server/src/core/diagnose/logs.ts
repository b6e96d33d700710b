// Where each component writes: the log files and component names a flow step looks in. One place for all
// flows, so a step that two flows share (CCM Messaging, WUAHandler, ...) is described once.

export const POLICY_AGENT = {
  logs: ['PolicyAgent.log'],
  components: ['PolicyAgent_ReplyAssignments', 'PolicyAgent_PolicyDownload'],
};
export const SCHEDULER = { logs: ['Scheduler.log'], components: ['Scheduler'] };
export const UPDATES_DEPLOYMENT = { logs: ['UpdatesDeployment.log'], components: ['UpdatesDeploymentAgent'] };
export const UPDATES_HANDLER = { logs: ['UpdatesHandler.log'], components: ['UpdatesHandler'] };
export const CAS = { logs: ['CAS.log'], components: ['ContentAccess'] };
export const CTM = { logs: ['ContentTransferManager.log'], components: ['ContentTransferManager'] };
export const LOCATION_SERVICES = { logs: ['LocationServices.log'], components: ['LocationServices'] };
export const DTS = { logs: ['DataTransferService.log'], components: ['DataTransferService'] };
export const WUAHANDLER = { logs: ['WUAHandler.log'], components: ['WUAHandler'] };
export const WINDOWS_UPDATE = { logs: ['WindowsUpdate.log'] };
export const SCAN_AGENT = { logs: ['ScanAgent.log'], components: ['ScanAgent'] };
export const CCM_MESSAGING = { logs: ['CcmMessaging.log'], components: ['CcmMessaging'] };
export const SERVICE_WINDOW_MANAGER = { logs: ['ServiceWindowManager.log'], components: ['ServiceWindowManager'] };
export const STATE_MESSAGE = { logs: ['StateMessage.log'], components: ['StateMessage'] };
export const MP_RELAY = { logs: ['MP_Relay.log'], components: ['MP_RelayEndpoint'] };
export const MPFDM = { logs: ['MPFDM.log'], components: ['SMS_MP_FILE_DISPATCH_MANAGER'] };
export const STATESYS = { logs: ['StateSys.log'], components: ['SMS_STATE_SYSTEM'] };
export const WSYNCMGR = { logs: ['WSyncMgr.log'], components: ['SMS_WSUS_SYNC_MANAGER'] };
export const WCM = { logs: ['WCM.log'], components: ['SMS_WSUS_CONFIGURATION_MANAGER'] };
export const SOFTWARE_DISTRIBUTION = { logs: ['SoftwareDistribution.log'] };
