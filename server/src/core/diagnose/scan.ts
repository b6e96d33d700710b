// Software update scan on clients (seed 000 "Software Update Scan on Clients", seed 001 "Software update
// scan on clients" steps 1-6), with scan failures grouped by error code exactly as the seed's
// Troubleshooting > Compliance > Scan Failures section groups them.
import { folderOf } from '../../../../common/machines';
import type { Finding } from './findings';
import { CODE, G, re, rei, type CodeAdvice, type FailureRule, type FlowModule, type FlowRule } from './rules';
import { runFlow } from './walk';
import { SCAN_AGENT, WINDOWS_UPDATE, WUAHANDLER } from './logs';
import { isConfigMgrCaller, wuCallerOf } from './windowsUpdate';

const HOW_TO_CHECK_PROXY = [
  'How to check Proxy Settings on a Client: the Windows Update Agent uses WinHTTP to scan for available updates. When there is a proxy server between the client and the WSUS computer, the proxy settings must be configured properly on the clients to allow them to communicate with WSUS using FQDN.',
  'To view WinHTTP Proxy Settings, you can run the following commands: On Windows XP: proxycfg.exe; On Windows Vista or above: netsh winhttp show proxy',
  'To import proxy configuration from Internet Explorer, you can run the following commands: On Windows XP: proxycfg.exe -u; On Windows Vista and above you can run: netsh winhttp import proxy source =ie',
];

const VERIFY_CONNECTIVITY = [
  'Verify connectivity with the WSUS computer. See the "How to verify connectivity on a client against the WSUS Server" section: access http://SUPSERVER.CONTOSO.COM:8530/Selfupdate/wuident.cab, http://SUPSERVER.CONTOSO.COM:8530/ClientWebService/wusserverversion.xml and http://SUPSERVER.CONTOSO.COM:8530/SimpleAuthWebService/SimpleAuth.asmx from the client.',
  'Review IIS logs on the WSUS computer to confirm that the HTTP errors are being returned from WSUS. If the WSUS computer is not returning the error, the issue is likely with an intermediate firewall or proxy.',
  'Verify the proxy settings. See the "How to check Proxy settings on a client" section.',
  'Verify that the WSUS ports are accessible. See the "How to check if WSUS Server Ports are accessible from the client" section: telnet SUPSERVER.CONTOSO.COM <PortNumber> (for example telnet SUPSERVER.CONTOSO.COM 8530).',
];

/** The seed's scan error groups, in its order. */
export const SCAN_ERROR_GROUPS: CodeAdvice[] = [
  {
    heading: 'Scan failures due to missing or corrupt components',
    codes: [
      '0x80245003',
      '0x80070514',
      '0x8DDD0018',
      '0x80246008',
      '0x80200013',
      '0x80004015',
      '0x800A0046',
      '0x800A01AD',
      '0x80070424',
      '0x800B0100',
      '0x80248011',
    ],
    advice: [
      'A number of issues with Software Update scan can be caused by missing or corrupted files or registry keys, component registrations, and so forth. You can run the Windows Update Troubleshooter to detect and fix these issues automatically. For more information, see the "How to use Windows Update Troubleshooter and update the Windows Update Agent" section.',
      'Reset the Windows Update Agent Data Store. For more information, see the "How to reset the Windows Update Agent Data Store" section: net stop wuauserv; rename C:\\Windows\\SoftwareDistribution to C:\\Windows\\SoftwareDistribution.old; net start wuauserv; initiate a Software Update scan cycle.',
    ],
  },
  {
    heading: 'Scan fails with Proxy related errors: 0x80244021, 0x8024401B, 0x80240030, 0x8024402C',
    codes: ['0x80244021', '0x8024401B', '0x80240030', '0x8024402C'],
    advice: [
      'Verify the proxy settings on the client, and make sure they are configured correctly. For more information, see the "How to check Proxy Settings on a Client" section.',
      ...HOW_TO_CHECK_PROXY,
    ],
  },
  {
    heading: 'Scan fails with HTTP timeout errors: 0x80072ee2, 0x8024401C, 0x80244023',
    codes: ['0x80072EE2', '0x8024401C', '0x80244023'],
    advice: VERIFY_CONNECTIVITY,
  },
  {
    heading: 'Scan fails with authentication errors: 0x80244017 (HTTP Status 401), 0x80244018 (HTTP Status 403)',
    codes: ['0x80244017', '0x80244018'],
    advice: VERIFY_CONNECTIVITY,
  },
  {
    heading: 'Scan fails with Error 0x80072f0c',
    codes: ['0x80072F0C'],
    advice: [
      '0x80072f0c means "A certificate is required to complete client authentication." This error should occur only if the WSUS computer is configured to use SSL. As part of the SSL configuration, WSUS virtual directories must be configured to use SSL and set to "Ignore" client certificates. If the WSUS website or any of those virtual directories are incorrectly configured to "Accept" or "Require" client certificates, you will receive this error. For more information about configuring WSUS for SSL see the "Configure Software Update Point for SSL" section.',
    ],
  },
];

export const SCAN_FAILURE_ADVICE = [
  'When troubleshooting scan failures, the logs you should look at are WUAHandler.log and WindowsUpdate.log. As WUAHandler simply reports what Windows Update Agent reported, the error in WUAHandler would be the same error that was reported by the Windows Update Agent itself. Therefore, more information about the error could be found in WindowsUpdate.log.',
  'There are a number of reasons why Software Update scan could fail. Some common reasons involve communication or firewall issues between the client and the Software Update Point computer. You can find the complete list of Windows Update error codes here: 938205 - Windows Update error code list (http://support.microsoft.com/kb/938205)',
];

/** A scan failure as WUAHandler, ScanAgent or WindowsUpdate.log write it, with its code. */
export const SCAN_FAILURE: FailureRule = {
  pattern: rei`Scan failed[^\n]{0,120}?(?<code>${CODE})`,
  heading: 'Scan failures',
  advice: SCAN_FAILURE_ADVICE,
  adviceByCode: SCAN_ERROR_GROUPS,
  nextLog: 'WindowsUpdate.log',
};

/**
 * WindowsUpdate.log: the ConfigMgr search ended with an error (ETW form), or the classic form's warnings —
 * which count only when the call they end is ConfigMgr's (CcmExec), not Defender's or Automatic Updates'.
 */
const WU_SEARCH_FAILED = rei`Finding updates CallerId = CcmExec[^\n]{0,60}Exit code = (?<code>0x8[0-9A-Fa-f]{7})|WARNING: (?:Failed to synchronize, error|Exit code) = (?<code2>0x8[0-9A-Fa-f]{7})`;

const NO_WUAHANDLER_ADVICE = [
  'If WUAHandler.log does not exist and is not created after initiating a scan cycle, the issue most likely occurs because either Software Update Scan Policy or WSUS Server Location is not available. Review the "Software Update Scan Policy" and "Clients are unable to find the WSUS Source Location" sections.',
];

/** WUAHandler lines that mean the scan itself failed (not just any error line of the log). */
const WUAHANDLER_FAILURES: FailureRule[] = [
  {
    ...SCAN_FAILURE,
    ...WUAHANDLER,
    pattern: rei`(?:Scan failed with error|OnSearchComplete - Failed to end search job|Failed to end search job)[^\n]{0,80}?(?<code>${CODE})`,
  },
];

const scanRule: FlowRule = {
  id: 'scan',
  title: 'Software update scan on the client',
  anchors: [
    // One instance per scan job (ScanAgent.log)...
    // Jobs run at once (a scheduled scan waiting for its location while detection scans run): each is bounded by
    // its own end (its last OnScanComplete), and WUAHandler's lines are linked after its own scan request.
    {
      ...SCAN_AGENT,
      key: 'scanJob',
      start: [re`ScanJob\((?<scanJob>${G})\)`, re`Scan Failed for ScanJobID=(?<scanJob>${G})`],
      end: re`CScanJob::OnScanComplete|Scan Failed for ScanJobID=`,
    },
    // ...or, when ScanAgent.log is not among the files, one per scan WUAHandler runs.
    {
      ...WUAHANDLER,
      start: [re`Its a WSUS Update Source type`, re`Async searching of updates using WUAgent started`],
      end: re`Successfully completed scan|Scan failed with error|Failed to end search job`,
    },
  ],
  steps: [
    {
      name: 'Scan Agent requests the scan (ScanAgent.log)',
      ...SCAN_AGENT,
      link: 'key',
      keys: ['scanJob'],
      patterns: [re`CScanJob::Execute - successfully requested Scan`, re`CScanJob::Scan- entered`],
      nextLog: 'ScanAgent.log',
    },
    {
      name: 'WUAHandler starts the search through the Windows Update Agent API',
      ...WUAHANDLER,
      link: 'time',
      patterns: [
        re`Async searching of updates using WUAgent started`,
        re`Running single-call scan of updates`,
        re`Search Criteria is`,
      ],
      timeoutMs: 60 * 60_000,
      advice: NO_WUAHANDLER_ADVICE,
    },
    {
      name: 'Windows Update Agent scans against the WSUS server ("Finding updates", WindowsUpdate.log)',
      ...WINDOWS_UPDATE,
      link: 'time',
      optional: true,
      patterns: [
        rei`Finding updates[^\n]{0,40}CallerId = CcmExec`,
        rei`COMAPI: Search \[ClientId = CcmExec\]`,
        rei`Search ClientId = CcmExec`,
      ],
      nextLog: 'WindowsUpdate.log (%windir%; on Windows 10 and later produce it with Get-WindowsUpdateLog)',
      // Only the end of a search reports its result; other *FAILED* lines of a healthy scan are noise.
      failures: [
        {
          ...SCAN_FAILURE,
          ...WINDOWS_UPDATE,
          pattern: WU_SEARCH_FAILED,
          when: (_m, _v, at) => isConfigMgrCaller(wuCallerOf(at.source, at.index)),
        },
      ],
    },
    {
      name: 'WUAHandler receives the results ("Async searching completed")',
      ...WUAHANDLER,
      link: 'time',
      patterns: [re`Async searching completed`, re`Finished searching for everything in single call`],
      timeoutMs: 60 * 60_000,
      failures: WUAHANDLER_FAILURES,
    },
    {
      name: 'WUAHandler parses the results and completes the scan',
      ...WUAHANDLER,
      link: 'time',
      patterns: [re`Successfully completed scan`],
      advice: SCAN_FAILURE_ADVICE,
    },
    {
      name: 'Scan Agent gets the result: "Scan completed successfully" (ScanAgent.log)',
      ...SCAN_AGENT,
      link: 'key',
      keys: ['scanJob'],
      optional: true,
      ends: true,
      patterns: [re`CScanJob::OnScanComplete -\s*Scan completed successfully`],
    },
    {
      name: 'Updates Store records each update status and raises a state message (UpdatesStore.log)',
      logs: ['UpdatesStore.log'],
      components: ['UpdatesStore'],
      link: 'time',
      optional: true,
      patterns: [
        re`Successfully (?:raised|refreshed) state message for update`,
        re`Processing update status from update`,
        re`Update status from update`,
      ],
    },
    {
      name: 'State Message records the update state messages (TopicType 500, StateMessage.log)',
      logs: ['StateMessage.log'],
      components: ['StateMessage'],
      link: 'time',
      optional: true,
      patterns: [re`State message\(State ID : \d+\) with TopicType 500`, re`Adding message with TopicType 500`],
    },
  ],
  failures: [
    {
      ...SCAN_FAILURE,
      ...SCAN_AGENT,
      link: 'key',
      keys: ['scanJob'],
      pattern: rei`Scan Failed (?:for ScanJobID=${G}[^\n]{0,120}?|with Error\s*=\s*)(?<code>${CODE})`,
    },
  ],
  maxDurationMs: 2 * 3600_000,
};

/** A WUAHandler-only scan (ScanAgent.log not among the files) is keyed by its start time, not by a job. */
const isCycle = (f: Finding) => !/^[0-9a-f]{8}-/i.test(f.key);

/**
 * Without ScanAgent.log nothing says that WUAHandler's next scan is the failed scan's retry (ScanAgent retries
 * a failed job, seed: "Scan retry 1 of 4"). When the next scan on the same machine ran to its end without a
 * failure, the failure did not last: the failed scan is reported as recovered, not broken. A failure followed
 * by another failure, or by nothing, stays broken.
 */
export function recoveredByNextScan(findings: Finding[]): Finding[] {
  // Cycle keys are ISO times: in key order, the first later one of the same machine is the next scan.
  const cycles = findings.filter(isCycle).sort((a, b) => (a.key < b.key ? -1 : 1));
  return findings.map((finding) => {
    if (finding.status !== 'broken' || !finding.error || !isCycle(finding)) return finding;
    const machine = folderOf(finding);
    const next = cycles.find((c) => c.key > finding.key && folderOf(c) === machine);
    if (!next || next.error || (next.status !== 'complete' && next.status !== 'unproven')) return finding;
    return {
      ...finding,
      status: 'complete',
      summary: `Completed after a failure it recovered from: ${finding.summary.replace(/\.$/, '')}; the next scan on this machine (${next.key}) ran to its end without a failure.`,
      steps: finding.steps.map((s) => (s.failed ? { ...s, failed: undefined } : s)),
      error: { ...finding.error, recovered: true },
    };
  });
}

export const scanFlow: FlowModule = {
  id: scanRule.id,
  title: scanRule.title,
  diagnose: (context) => recoveredByNextScan(runFlow(scanRule, context)),
};
