// Software update synchronization on the site server (seed 000 "Synchronization": top-level site steps 1-7
// and child primary/secondary site steps 1-8, status messages 6701 → 6704 → 6705 → 6702, 6706 for replica
// SUPs, 6703 on failure), with the seed's Troubleshooting > Synchronization steps for each failure.
import { re, rei, type FailureRule, type FlowRule } from './rules';
import { SOFTWARE_DISTRIBUTION, WCM, WSYNCMGR } from './logs';

/**
 * Where a sync cycle's own failures are written: WSyncMgr.log and the WSUS server's SoftwareDistribution.log.
 * WCM.log runs its own hourly cycle: its errors are context for a failed sync (`related`), never a sync's failure
 * by time alone — a sync still running when WCM logs an HTTP 503 has not failed.
 */
const SYNC_LOGS = { logs: [...WSYNCMGR.logs, ...SOFTWARE_DISTRIBUTION.logs], components: WSYNCMGR.components };

/** Seed: Troubleshooting > Synchronization, the prerequisites to verify before anything else. */
export const SYNC_PREREQUISITES = [
  'If you\'re running WSUS 3.0 SP2, KB 2734608 must be installed on the WSUS server. To check whether 2734608 is installed, see the "How to check WSUS Server Version" section later in this white paper.',
  "When the Software Update Point is installed on a remote site system server, the WSUS Administration console must be installed on the site server. If you're running WSUS 3.0 SP2, KB 2734608 must be installed on top of the WSUS Administration console.",
  'After you install KB 2734608 (remotely or locally), a system restart may be required.',
  'Verify that the WSUS installation that\'s running on the Software Update Point is not incorrectly configured to be a replica. For more information, see the "Procedure: Check the Update Source Settings in WSUS" section.',
  'Verify that the Update Services service is running on the WSUS computer.',
  'Verify that the Default website or WSUS Administration website is running on the WSUS computer.',
];

const CHECK_WSUSCTRL =
  'Review WSUSCtrl.log for errors. For more information, see the "WSUS Control Manager (WSUSCtrl) reports an error" section.';

export const WSUS_NOT_CONFIGURED_ADVICE = [
  'WSUS Configuration Manager (WCM) configures the WSUS computer once every hour to make sure that the settings that are configured in WSUS match the settings that are specified in the Configuration Manager console. If WCM fails to configure the WSUS computer, synchronization attempts will trigger the following error. In most cases there will not be any extra information in the WsyncMgr.log file, and you have to review the WCM.log file for additional errors.',
  ...SYNC_PREREQUISITES,
];

export const AUTH_PROXY_ADVICE = [
  'Verify that the Update Services service is running on the WSUS computer.',
  'Verify that the Default Website or WSUS Administration website is running on the WSUS computer.',
  'Verify that the fully qualified domain name (FQDN) for the software Update Point site system server is correct and accessible from the Site Server.',
  'If the Software Update Point is remote from the Site Server, verify that you can connect to the WSUS computer from the Site Server. For more information, see the "How to Test Connectivity from Site Server to WSUS" section.',
  'Check the port settings configured for the Software Update Point and verify that they are the same as the port settings that are configured for the website used by WSUS on the Software Update Point. For more information, see the "Procedure: How to determine the Port Settings used by WSUS" section.',
  'Verify that the proxy configuration and account for the Software Update Point is correct. For more information, see the "Procedure: How to configure Proxy Settings for the Software Update Point" section.',
  'Verify that the Software Update Point connection account is configured (if required) and that it has the permissions to connect to the WSUS computer. For more information, see the "Procedure: How to configure WSUS Server Connection account for the Software Update Point" section.',
  'Verify that the permissions on the ApiRemoting30 Virtual Directory are set correctly. For more information, see the "Procedure: Check Permissions on ApiRemoting30 Virtual Directory" section.',
  'If the Software Update Point is configured for SSL (HTTPS), verify that WSUS is correctly configured for SSL. For more information, see the "Procedure: Configure Software Update Point for Secure Sockets Layer (SSL)" section.',
  CHECK_WSUSCTRL,
];

export const WEB_SERVICE_ADVICE = [
  'Verify that Update Services is running on the WSUS computer.',
  'Verify that the Default website or the WSUS Administration website is running on the WSUS computer.',
  'Check the port settings configured for the Software Update Point, and verify that they are the same as the port settings configured for the website used by WSUS on the Software Update Point. For more information, see the "Procedure: How to determine the Port Settings used by WSUS" section.',
  CHECK_WSUSCTRL,
];

export const SSL_ADVICE = [
  "Verify that the certificate configured for the WSUS website is configured with the correct FQDN. If the certificate doesn't have the proper FQDN, see KB 931351 for steps about adding a Subject Alternate Name to a certificate.",
  'Verify that the certificate has not expired.',
  'For more information, see the "Procedure: Configure Software Update Point for Secure Sockets Layer (SSL)" section.',
];

export const EULA_ADVICE = [
  'Review SoftwareDistribution.log on the WSUS computer to find out why the EULA is not being downloaded. You can look for ".txt" in the log to find the relevant entries.',
  'Verify that the firewall is configured to allow communication with Microsoft Update. For more information, see the "Configure the Firewall" TechNet link.',
  'Check the proxy configuration. For more information, see the "Procedure: How to configure Proxy Settings for the Software Update Point" section.',
  'Run the %ProgramFiles%\\Update Services\\Tools\\wsusutil.exe reset command to instruct WSUS to re-download the missing content, including EULAs.',
];

export const MICROSOFT_UPDATE_ADVICE = [
  'Verify that the WSUS computer can connect to the Internet.',
  'Verify that the firewall is configured to allow communication with Microsoft Update. For more information, see the "Configure the Firewall" TechNet link.',
  'Check the proxy configuration. For more information, see the "Procedure: How to configure Proxy Settings for the Software Update Point" section.',
];

export const WSUSCTRL_ADVICE = [
  'WSUS Control Manager periodically checks WSUS to make sure that WSUS components are healthy. If unhealthy, WCM and WSyncMgr cannot communicate with WSUS.',
  'To check whether WSUS is functioning as expected, run the following command on the WSUS computer, and then review the Application log in Event Viewer for errors: %ProgramFiles%\\Update Services\\Tools\\wsusutil.exe check health',
  'To check connectivity from the Site Server to the WSUS server, see the "How to Test Connectivity from Site Server to WSUS" section.',
];

/** Ordered: the most specific failure first; the bare 6703 only when nothing more precise was logged. */
const SYNC_FAILURES: FailureRule[] = [
  {
    ...WSYNCMGR,
    pattern: re`Sync failed: WSUS server not configured`,
    heading: 'Synchronization fails with "WSUS server not configured"',
    advice: WSUS_NOT_CONFIGURED_ADVICE,
    nextLog: 'WCM.log (site server, <ConfigMgrInstallDir>\\Logs)',
    related: { ...WCM, withinMs: 2 * 3600_000 },
  },
  {
    ...SYNC_LOGS,
    pattern: rei`HTTP Status 40[137]|HTTP Status 502|Proxy Authentication Required|Proxy Error|No connection could be made because the target machine actively refused it|Authentication failed because the remote party has closed the transport stream`,
    heading: 'Synchronization fails because of authentication and proxy issues',
    advice: AUTH_PROXY_ADVICE,
    nextLog: 'WSUSCtrl.log (on the Software Update Point, <DriveWithMostFreeSpace>:\\SMS\\Logs)',
  },
  {
    ...SYNC_LOGS,
    pattern: rei`HTTP Status 50[03]|Internal Server Error|Service Unavailable`,
    heading: 'Synchronization fails because of Web Service issues',
    advice: WEB_SERVICE_ADVICE,
    nextLog: 'WSUSCtrl.log (on the Software Update Point, <DriveWithMostFreeSpace>:\\SMS\\Logs)',
  },
  {
    ...SYNC_LOGS,
    pattern: rei`remote certificate is invalid according to the validation procedure`,
    heading:
      'Synchronization fails because of SSL issues: The remote certificate is invalid according to the validation procedure',
    advice: SSL_ADVICE,
  },
  {
    ...SYNC_LOGS,
    // WSyncMgr writes the EULA as "Microsoft Software License Terms" ("... have not been completely downloaded and cannot be accepted").
    pattern: rei`\bEULA\b[^\n]{0,200}?(?:fail|error|not (?:be )?downloaded)|(?:fail|error)[^\n]{0,200}?\bEULA\b|License Terms[^\n]{0,80}?(?:have|has) not been (?:completely )?downloaded|License Terms[^\n]{0,80}?cannot be accepted`,
    heading: 'Synchronization fails because of issues with the EULA',
    advice: EULA_ADVICE,
    nextLog: 'SoftwareDistribution.log (on the Software Update Point, \\Program Files\\Update Services\\LogFiles)',
  },
  {
    ...SYNC_LOGS,
    pattern: rei`connected party did not properly respond after a period of time|connected host has failed to respond|0x80072EFE|connection with the server was terminated abnormally`,
    heading: 'Synchronization fails because of errors communicating with Microsoft Update',
    advice: MICROSOFT_UPDATE_ADVICE,
    nextLog: 'SoftwareDistribution.log (on the Software Update Point, \\Program Files\\Update Services\\LogFiles)',
  },
  {
    ...WSYNCMGR,
    pattern: re`STATMSG: ID=6703\b|Sync failed[:.]`,
    heading: 'Synchronization failed (status message 6703)',
    advice: SYNC_PREREQUISITES,
    nextLog: 'WCM.log (site server, <ConfigMgrInstallDir>\\Logs)',
    related: { ...WCM, withinMs: 2 * 3600_000 },
  },
];

export const syncFlow: FlowRule = {
  id: 'sync',
  title: 'Software updates synchronization (WSUS Synchronization Manager)',
  anchors: [
    {
      ...WSYNCMGR,
      start: [re`Starting Sync\b`, re`STATMSG: ID=6701\b`],
      end: re`Sync time: |Will retry in \d+ minutes`,
    },
  ],
  steps: [
    {
      name: 'WSyncMgr starts the synchronization (schedule, console request, parent site notification)',
      ...WSYNCMGR,
      link: 'time',
      lookbackMs: 60_000,
      patterns: [
        re`Performing sync on (?<trigger>regular schedule|local request|parent request)`,
        re`Starting Sync\b`,
        re`Wakeup (?:for scheduled regular sync|by inbox drop)`,
      ],
      detail: (m) => (m.groups?.trigger ? `sync on ${m.groups.trigger}` : undefined),
      nextLog: 'WSyncMgr.log (site server, <ConfigMgrInstallDir>\\Logs)',
    },
    {
      name: 'Status message 6701: WSUS synchronization started',
      ...WSYNCMGR,
      link: 'time',
      lookbackMs: 60_000,
      patterns: [re`STATMSG: ID=6701\b[^\n]*?SITE=(?<site>\w+)`, re`STATMSG: ID=6701\b`],
      detail: (m) => (m.groups?.site ? `site ${m.groups.site}` : undefined),
    },
    {
      name: "Status message 6704: synchronizing the WSUS server (with Microsoft Update, or the parent site's WSUS)",
      ...WSYNCMGR,
      link: 'time',
      patterns: [re`STATMSG: ID=6704\b`, re`sync: Starting WSUS synchronization`],
    },
    {
      name: 'WSUS synchronizes the metadata (SoftwareDistribution.log on the Software Update Point)',
      ...SOFTWARE_DISTRIBUTION,
      link: 'time',
      optional: true,
      patterns: [
        rei`Synchronization (?:manually started|completed successfully)`,
        re`EventId=38[24]\b`,
        re`Firing event SyncFinish`,
      ],
      nextLog: 'SoftwareDistribution.log (on the Software Update Point, \\Program Files\\Update Services\\LogFiles)',
    },
    {
      name: 'Done synchronizing the WSUS server',
      ...WSYNCMGR,
      link: 'time',
      patterns: [re`Done synchronizing WSUS Server (?<server>\S+)`],
      detail: (m) => m.groups?.server,
      timeoutMs: 6 * 3600_000,
      // A first sync of every product runs many hours: "sync: WSUS synchronizing updates, processed 3092 out of 4100 items".
      progress: rei`sync: WSUS synchronizing|processed \d+ out of \d+ items|Synchronizing WSUS server`,
    },
    {
      name: 'Status message 6705: synchronizing the site database (top-level site only)',
      ...WSYNCMGR,
      link: 'time',
      optional: true,
      patterns: [re`STATMSG: ID=6705\b`, re`Synchronizing SMS database with WSUS server`],
    },
    {
      name: 'Done synchronizing SMS with WSUS (top-level site only)',
      ...WSYNCMGR,
      link: 'time',
      optional: true,
      patterns: [re`Done synchronizing SMS with WSUS Server`],
    },
    {
      name: 'Content version of the update source set',
      ...WSYNCMGR,
      link: 'time',
      optional: true,
      patterns: [
        re`Set content version of update source (?<updateSource>\{[^}]+\}) for site (?<site>\w+) to (?<contentVersion>\d+)`,
      ],
      detail: (m) => `site ${m.groups?.site}, content version ${m.groups?.contentVersion}`,
    },
    {
      name: 'Status message 6706: synchronizing replica (other) Software Update Points',
      ...WSYNCMGR,
      link: 'time',
      optional: true,
      patterns: [
        re`STATMSG: ID=6706\b`,
        re`Synchronizing replica WSUS servers`,
        re`sync: Starting Replica WSUS synchronization`,
      ],
    },
    {
      name: 'Status message 6702: WSUS synchronization done',
      ...WSYNCMGR,
      link: 'time',
      patterns: [re`STATMSG: ID=6702\b`, re`Sync succeeded\b`],
      timeoutMs: 6 * 3600_000,
      advice: SYNC_PREREQUISITES,
    },
    {
      name: 'Sync notification sent to child sites',
      ...WSYNCMGR,
      link: 'time',
      optional: true,
      patterns: [re`Sending sync notification to child site\(s\): (?<children>[^\n]+)`],
      detail: (m) => m.groups?.children?.trim(),
    },
  ],
  failures: [
    ...SYNC_FAILURES,
    {
      logs: ['WSUSCtrl.log'],
      components: ['SMS_WSUS_CONTROL_MANAGER'],
      pattern: rei`(?<!no )unhealthy|\bfailed to\b|\berror\b(?! ?= ?0\b)`,
      heading: 'WSUS Control Manager (WSUSCtrl) reports an error',
      advice: WSUSCTRL_ADVICE,
    },
  ],
  maxDurationMs: 12 * 3600_000,
  keyLabel: 'site',
};
