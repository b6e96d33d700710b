// Software update scan policy and WSUS server location (seed 000 "Compliance" / "WSUS Server Location",
// seed 001 "Software update scan policy" and "WSUS server location" steps 1-9): the UpdateSource policy
// reaches Scan Agent, Scan Agent asks Location Services for the WSUS server of the policy's content
// version, the management point answers through CCM Messaging, and WUAHandler adds the update source.
import { CODE, G, re, rei, type FailureRule, type FlowRule } from './rules';
import { CCM_MESSAGING, LOCATION_SERVICES, SCAN_AGENT, WUAHANDLER } from './logs';
import { serverAndPort } from './url';

/** Seed: Troubleshooting > Compliance > "Clients are unable to find the WSUS Source Location". */
export const WSUS_LOCATION_ADVICE = [
  'To understand the flow for obtaining the WSUS location, see the "WSUS Server Location" section, and review the client and management point logs.',
  'Enable verbose and debug logging on the client and management point by following the steps in the "How to enable verbose & debug logging on the Configuration Manager Client and Management Point" section (HKLM\\Software\\Microsoft\\CCM\\Logging\\@GLOBAL\\LogLevel = 0 and HKLM\\Software\\Microsoft\\CCM\\Logging\\DebugLogging\\Enabled = True, then restart the SMS Agent Host service).',
  'Verify that there are no communication errors in CcmMessaging.log on the client.',
  'If the management point returns an empty WSUS location response, this could be caused by a mismatch in the Content Version of WSUS, which, in turn, could be a result of failed synchronization. You can find the Content Version of the Software Update Point by navigating to Configuration Manager Console -> Monitoring pane -> Software Update Point Synchronization Status.',
  'Review the data in CI_UpdateSources, WSUSServerLocations and Update_SyncStatus tables, and verify that the Update Source Unique ID and Content Version matches across these tables.',
];

/** Seed: Troubleshooting > Compliance > "Group Policy overrides WSUS Server" (explanation and Solution). */
export const GPO_ADVICE = [
  "If an Active Directory Group Policy setting is applied to computers for Software Update Point client installation, this overrides the local Group Policy setting. Unless the value of the setting that's defined in Group Policy is exactly the same as the one that's being set by Configuration Manager (server name and port), the Configuration Manager Software Updates scan will fail on the client.",
  'Solution: The Software Update Point for client installation and software updates must be the same server, and must be specified in the Active Directory Group Policy setting with the correct name format and port information. For example, this would be http://server1.contoso.com:80 if the Software Update Point was using the default website.',
];

const EMPTY_REPLY: FailureRule = {
  ...LOCATION_SERVICES,
  pattern: rei`WSUSLocationReply[^\n]{0,300}?(?:<LocationRecords\s*/>|<LocationRecords>\s*</LocationRecords>|<Sites\s*/>)|Calling back with empty WSUS locations`,
  heading:
    'Clients are unable to find the WSUS Source Location: the management point returned an empty WSUS location reply',
  advice: WSUS_LOCATION_ADVICE,
  nextLog: 'MP_Location.log (on the management point)',
};

const COMMUNICATION_ERROR: FailureRule = {
  ...CCM_MESSAGING,
  link: 'key',
  keys: ['message'],
  pattern: rei`(?:failed|error)[^\n]{0,160}?(?<code>${CODE})|(?<code2>${CODE})[^\n]{0,40}(?:failed|error)`,
  heading: 'Clients are unable to find the WSUS Source Location: CCM Messaging could not deliver the location request',
  advice: WSUS_LOCATION_ADVICE,
};

/**
 * Group Policy set another WSUS server than the location this request received (server name and port, as the
 * seed compares them). When this instance does not know its location, groupPolicy.ts still reports the line;
 * when it does, this finding is the conflict's only report (see reportGroupPolicyOnce in groupPolicy.ts).
 */
const GROUP_POLICY_OVERRIDE: FailureRule = {
  ...WUAHANDLER,
  pattern: re`Group policy settings were overwritten by a higher authority[^\n]{0,60}? to: Server (?<gpoServer>[^\s,]+)`,
  heading: 'Group Policy overrides WSUS Server',
  advice: GPO_ADVICE,
  lasting: true,
  when: (m, values) =>
    !!values.get('location') && serverAndPort(values.get('location')!) !== serverAndPort(m.groups!.gpoServer),
  // Both servers, as the Group Policy finding says them: this finding is the one that reports the conflict.
  says: (m, values) =>
    `Group Policy sets ${m.groups!.gpoServer}; Configuration Manager gave ${values.get('location')}, and server name and port must be exactly the same.`,
};

/** 0x87D00692 is ConfigMgr's "Group policy conflict" when WUAHandler cannot set the WSUS server. */
const ADD_SOURCE_FAILED: FailureRule = {
  ...WUAHANDLER,
  pattern: rei`Failed to Add Update Source for WUAgent[^\n]{0,160}?(?<code>${CODE})`,
  heading: 'WUAHandler failed to add the update source',
  advice: GPO_ADVICE,
  adviceByCode: [],
};

/** The reply names a WSUS server of another content version than the one the request asked for. */
function versionMismatch(match: RegExpExecArray, values: ReadonlyMap<string, string>): boolean {
  const requested = values.get('requestedVersion');
  return !!requested && !!match.groups?.replyVersion && match.groups.replyVersion !== requested;
}

export const locationFlow: FlowRule = {
  id: 'location',
  title: 'Update source policy and WSUS server location',
  anchors: [
    // One instance per WSUS location request (ScanAgent.log)...
    {
      ...SCAN_AGENT,
      key: 'locationRequest',
      sequential: true,
      start: [
        re`Location Request ID = (?<locationRequest>${G})`,
        re`\(LocationRequestID=(?<locationRequest>${G})\)`,
        re`WSUSLocationUpdate received for location request guid=(?<locationRequest>${G})`,
      ],
    },
    // ...or per WSUS location request Location Services sends...
    {
      ...LOCATION_SERVICES,
      start: [re`Attempting to persist WSUS location request`, re`Attempting to send WSUS Location Request`],
      end: re`Calling back with (?:empty )?(?:WSUS )?locations for WSUS request`,
    },
    // ...or, with neither log, per update source WUAHandler adds.
    {
      ...WUAHANDLER,
      start: [re`Its a WSUS Update Source type`],
      end: re`Added Update Source|Failed to Add Update Source|Group policy settings were overwritten`,
    },
  ],
  steps: [
    {
      name: 'Scan Agent has the UpdateSource policy (policy downloaded by PolicyAgent, evaluated, Scan Agent notified)',
      ...SCAN_AGENT,
      link: 'time',
      optional: true,
      lookbackMs: 24 * 3600_000,
      patterns: [
        re`Policy available for UpdateSourceID=(?<updateSource>${G}) ContentVersion=(?<contentVersion>\d+)`,
        re`Added Policy to final ScanRequest List UpdateSourceID=(?<updateSource>${G})`,
        re`CScanAgent::OnPolicyChange`,
      ],
      detail: (m) =>
        m.groups?.contentVersion ? `UpdateSource policy content version ${m.groups.contentVersion}` : undefined,
    },
    {
      name: 'Scan Agent requests the WSUS location from Location Services',
      ...SCAN_AGENT,
      link: 'key',
      keys: ['locationRequest'],
      patterns: [
        re`Locations requested for ScanJobID=(?<scanJob>${G}) \(LocationRequestID=`,
        re`Location Request ID = `,
      ],
      nextLog: 'ScanAgent.log',
      advice: [
        'If WUAHandler.log does not exist and is not created after initiating a scan cycle, the issue most likely occurs because either Software Update Scan Policy or WSUS Server Location is not available. Review the "Software Update Scan Policy" and "Clients are unable to find the WSUS Source Location" sections.',
      ],
    },
    {
      name: 'Location Services sends the WSUS location request to the management point',
      ...LOCATION_SERVICES,
      link: 'time',
      patterns: [
        rei`Created and Sent Location Request '(?<locationRequest>${G})' for package (?<updateSource>${G})`,
        re`Attempting to send WSUS Location Request for ContentID='(?<updateSource>${G})'`,
        re`Attempting to persist WSUS location request for ContentID='(?<updateSource>${G})' and ContentVersion='(?<requestedVersion>\d+)'`,
      ],
      withinMs: 5 * 60_000,
      detail: (m) => (m.groups?.updateSource ? `update source ${m.groups.updateSource}` : undefined),
      advice: WSUS_LOCATION_ADVICE,
    },
    {
      name: 'CCM Messaging sends the location request to the management point (mp_locationmanager)',
      ...CCM_MESSAGING,
      link: 'time',
      withinMs: 5 * 60_000,
      patterns: [
        rei`Sending async message '(?<message>${G})' to outgoing queue 'mp:\[http\]mp_locationmanager'`,
        rei`Sending async message '(?<message>${G})' to outgoing queue '[^']*mp_locationmanager'`,
      ],
      advice: WSUS_LOCATION_ADVICE,
    },
    {
      name: 'The management point gets the WSUS location from the database and replies (MP_Location.log)',
      logs: ['MP_Location.log'],
      components: ['MP_LocationManager'],
      link: 'time',
      optional: true,
      patterns: [re`MP LM: Reply message body`, re`<WSUSLocationReply`, re`MP LM: calling MP_GetWSUSServerLocations`],
      nextLog: 'MP_Location.log (on the management point)',
    },
    {
      name: 'CCM Messaging receives the reply for Location Services (LS_ReplyLocations)',
      ...CCM_MESSAGING,
      link: 'key',
      keys: ['message'],
      patterns: [
        re`got reply '(?<reply>${G})' to local endpoint queue 'LS_ReplyLocations'`,
        re`Delivered successfully to host`,
      ],
      failures: [COMMUNICATION_ERROR],
      advice: WSUS_LOCATION_ADVICE,
      timeoutMs: 60 * 60_000,
    },
    {
      name: 'Location Services parses the reply and calls back with the WSUS locations',
      ...LOCATION_SERVICES,
      link: 'key',
      keys: ['locationRequest'],
      patterns: [re`Calling back with locations for WSUS request`],
      failures: [EMPTY_REPLY],
      advice: WSUS_LOCATION_ADVICE,
      timeoutMs: 60 * 60_000,
    },
    {
      name: 'Scan Agent receives the WSUS location',
      ...SCAN_AGENT,
      link: 'key',
      keys: ['locationRequest', 'scanJob'],
      patterns: [
        re`WSUSLocationUpdate received for location request`,
        re`CScanJob::OnLocationUpdate- Received Location=(?<location>[^,\s]+), Version=(?<version>\d+)`,
      ],
      detail: (m) => (m.groups?.location ? `${m.groups.location}, content version ${m.groups.version}` : undefined),
      advice: WSUS_LOCATION_ADVICE,
    },
    {
      name: 'WUAHandler adds the update source to the registry (Group Policy may override it)',
      ...WUAHANDLER,
      link: 'time',
      patterns: [
        re`Added Update Source \((?<updateSource>${G})\) of content type`,
        re`WSUS update source already exists, it has increased version`,
      ],
      failures: [GROUP_POLICY_OVERRIDE, ADD_SOURCE_FAILED],
      timeoutMs: 30 * 60_000,
    },
    {
      name: 'Windows Update Agent sees the new WSUS server (WindowsUpdate.log)',
      logs: ['WindowsUpdate.log'],
      link: 'time',
      optional: true,
      patterns: [rei`WSUS server: (?<server>\S+)`, rei`Sus server changed through policy`],
      detail: (m) => m.groups?.server,
    },
    {
      name: 'Scan Agent raises the UpdateSource state message and starts the scan',
      ...SCAN_AGENT,
      link: 'key',
      keys: ['scanJob'],
      optional: true,
      patterns: [
        re`Raised UpdateSource \((?<updateSource>${G})\) state message successfully`,
        re`CScanJob::Execute - successfully requested Scan`,
      ],
    },
  ],
  failures: [
    {
      ...LOCATION_SERVICES,
      pattern: re`WSUS Path='[^']*', Server='[^']*', Version='(?<replyVersion>\d+)'`,
      heading: 'Clients are unable to find the WSUS Source Location: content version mismatch',
      advice: WSUS_LOCATION_ADVICE,
      when: versionMismatch,
    },
  ],
  maxDurationMs: 2 * 3600_000,
};
