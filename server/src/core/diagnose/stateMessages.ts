// State message processing (seed 000 "State Message Processing Flow", seed 001 "State message processing
// flow" steps 1-5): the client's State Message component forwards its messages, CCM Messaging delivers them
// to the management point's MP_RelayEndpoint queue, MP_Relay writes an SMX file, MP File Dispatch Manager
// moves it to the site server (remote MP only) and StateSys processes it into the database. Two flows: the
// client-side upload (anchored on StateMessage.log) and the site server's processing (on StateSys.log).
import { CODE, G, re, rei, type FailureRule, type FlowRule } from './rules';
import { CCM_MESSAGING, MPFDM, MP_RELAY, STATESYS, STATE_MESSAGE } from './logs';

/** Seed: Troubleshooting > Compliance > "Compliance results Unknown". */
export const COMPLIANCE_UNKNOWN_ADVICE = [
  'Review PolicyAgent.log on the client to verify that the client is receiving policies.',
  'Verify that Software Update synchronization is successful on the Software Update Point. If synchronization fails see the "Troubleshooting Synchronization" section.',
  'Review WUAHandler.log and WindowsUpdate.log to make sure that Software Update scans are successful. If the scan fails see the "Troubleshooting Scan Failures" section.',
  'If the scan is successful, the client should send State Messages to the management point to indicate the update status. To understand how State Messages Processing works, see the "State Message Processing flow" section.',
];

export const MPFDM_ADVICE = [
  'For MPFDM to move the files to the appropriate inbox, the remote management point must be able to access the registry of the Site Server to determine the Inbox source locations. For this to work, the Remote Registry service must be running, and Registry Access should not be blocked via Group Policy. MPFDM determines the Inbox locations by accessing the following key on the Site Server: HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SMS\\Inbox Source',
];

export const STATESYS_ADVICE = [
  'Note that the StateSys.log file does not log the file name unless verbose logging is enabled for State System Manager: set the Verbose Logging REG_DWORD value to 1 at HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SMS\\Components\\SMS_STATE_SYSTEM (this does not require restarting SMS_Executive service or the SMS_STATE_SYSTEM thread).',
  'You can find friendly names of all State Message Topic Types and IDs by querying the SR_StateNames table: SELECT * FROM SR_StateNames',
];

const DELIVERY_FAILED: FailureRule = {
  ...CCM_MESSAGING,
  link: 'key',
  keys: ['message'],
  pattern: rei`(?:failed|error)[^\n]{0,160}?(?<code>${CODE})|(?<code2>${CODE})[^\n]{0,40}(?:failed|error)`,
  heading: 'CCM Messaging could not deliver the state messages to the management point (MP_RelayEndpoint)',
  advice: COMPLIANCE_UNKNOWN_ADVICE,
};

const BAD_STATE_MESSAGES: FailureRule = {
  ...STATESYS,
  pattern: re`Processed \d+ records with (?<invalid>[1-9]\d*) invalid records|with (?<bad>[1-9]\d*) bad files`,
  heading: 'StateSys found invalid state message records or bad files',
  advice: STATESYS_ADVICE,
};

const SERVER_STEPS = {
  relay: {
    name: 'MP_Relay processes the message and creates an SMX file (management point)',
    ...MP_RELAY,
    link: 'time' as const,
    optional: true,
    patterns: [
      re`Mp Message Handler: FileType=SMX`,
      re`Inv-Relay: Task completed successfully`,
      re`State Priority Directory = `,
    ],
    nextLog: 'MP_Relay.log (on the management point)',
  },
  dispatch: {
    name: 'MP File Dispatch Manager moves the SMX file to the site server (remote management point only)',
    ...MPFDM,
    link: 'time' as const,
    optional: true,
    patterns: [rei`Moved file [^\n]{0,260}?\.SMX\b`],
    failures: [
      {
        ...MPFDM,
        pattern: rei`Failed to (?:move|copy|access|connect|read|open)|Cannot (?:move|copy|access|connect)|Error (?:moving|copying|accessing)`,
        heading: 'MP File Dispatch Manager cannot move the SMX files to the site server',
        advice: MPFDM_ADVICE,
      },
    ],
    nextLog: 'MPFDM.log (on the remote management point)',
  },
  stateSys: {
    name: 'StateSys processes the state messages into the database (site server)',
    ...STATESYS,
    link: 'time' as const,
    patterns: [
      re`CMessageProcessor - Processed \d+ (?:records|message files)`,
      re`Found new state messages to process`,
      re`total chucks loaded \([1-9]`,
    ],
    failures: [BAD_STATE_MESSAGES],
    nextLog: 'StateSys.log (site server, <ConfigMgrInstallDir>\\Logs)',
  },
};

export const stateMessageFlow: FlowRule = {
  id: 'stateMessages',
  title: 'State messages from the client to the site database',
  anchors: [{ ...STATE_MESSAGE, start: [re`Successfully forwarded State Messages to the MP`] }],
  steps: [
    {
      name: 'State Message component builds the report (StateMessage body)',
      ...STATE_MESSAGE,
      link: 'time',
      optional: true,
      lookbackMs: 60_000,
      patterns: [re`StateMessage body:`],
    },
    {
      name: 'State Message component forwards the messages to the management point',
      ...STATE_MESSAGE,
      link: 'time',
      patterns: [re`Successfully forwarded State Messages to the MP`],
      advice: COMPLIANCE_UNKNOWN_ADVICE,
    },
    {
      name: 'CCM Messaging sends the message to the MP_RelayEndpoint queue',
      ...CCM_MESSAGING,
      link: 'time',
      lookbackMs: 60_000,
      withinMs: 2 * 60_000,
      patterns: [rei`Sending async message '(?<message>${G})' to outgoing queue '[^']*mp_relayendpoint'`],
      nextLog: 'CcmMessaging.log',
      advice: COMPLIANCE_UNKNOWN_ADVICE,
    },
    {
      name: 'CCM Messaging delivers it to the management point (no reply expected)',
      ...CCM_MESSAGING,
      link: 'key',
      keys: ['message'],
      patterns: [re`Delivered successfully to host '(?<mp>[^']+)'`, re`doesn't have reply`],
      detail: (m) => (m.groups?.mp ? `management point ${m.groups.mp}` : undefined),
      failures: [DELIVERY_FAILED],
      timeoutMs: 60 * 60_000,
      advice: COMPLIANCE_UNKNOWN_ADVICE,
    },
    SERVER_STEPS.relay,
    SERVER_STEPS.dispatch,
    { ...SERVER_STEPS.stateSys, optional: true },
  ],
  maxDurationMs: 30 * 60_000,
};

/** The site server half on its own: each StateSys processing batch, with what relayed it. */
export const stateSystemFlow: FlowRule = {
  id: 'stateSystem',
  title: 'State message processing on the site server (StateSys)',
  anchors: [
    {
      ...STATESYS,
      start: [re`Found new state messages to process`, re`Inbox notification triggered`],
      end: re`terminated normally`,
    },
  ],
  steps: [
    { ...SERVER_STEPS.relay, lookbackMs: 30 * 60_000 },
    { ...SERVER_STEPS.dispatch, lookbackMs: 30 * 60_000 },
    SERVER_STEPS.stateSys,
  ],
  maxDurationMs: 60 * 60_000,
};
