// Deployment evaluation and update installation on clients (seed 000 "Deployment Evaluation and Update
// Installation on Clients"): the assignment policy arrives, Scheduler fires the deadline, Updates Deployment
// Agent runs a detection scan, downloads the content (UpdatesHandler → Content Access Service → Content
// Transfer Manager → Location Services → Data Transfer Service/BITS → hash check), installs through
// WUAHandler and the Windows Update Agent, asks for a restart and, after it, detects and reports success.
// A second flow follows each content download on its own (one instance per CTM job), as the seed's
// Troubleshooting > "Updates fail to get downloaded" reads CAS.log, ContentTransferManager.log and
// DataTransferService.log.
import { CODE, G, re, rei, type FailureRule, type FlowRule, type WaitRule } from './rules';
import {
  CAS,
  CTM,
  DTS,
  LOCATION_SERVICES,
  POLICY_AGENT,
  SCHEDULER,
  UPDATES_DEPLOYMENT,
  UPDATES_HANDLER,
  WINDOWS_UPDATE,
  WUAHANDLER,
} from './logs';
import { describeScheduleString, REVIEW_SERVICE_WINDOWS } from './rebootWindows';
import { SCAN_ERROR_GROUPS, SCAN_FAILURE_ADVICE } from './scan';
import { isConfigMgrCaller, wuCallerOf } from './windowsUpdate';

/** A content ID as CAS writes it: a bare GUID (software updates) or "Content_<GUID>" (applications). */
const CONTENT = String.raw`(?:Content_)?(?<content>${G})`;

/** Seed: Troubleshooting > Deployment > "Updates fail to get downloaded". */
export const DOWNLOAD_ADVICE = [
  'Review CAS.log, ContentTransferManager.log and DataTransferService.log for errors. To understand how updates are downloaded, see the "Deployment Evaluation and Update Installation on Clients" section.',
  'Verify that the client is in the appropriate boundary associated with the boundary group for the Distribution Point.',
  'Check the Software Update Package status, and verify that the software updates are downloaded and installed on the Distribution Points.',
  "If the content is not installed on the Distribution Point that's associated with the client's boundary group, check whether Fallback for Content location needs to be enabled. For more information, see http://blogs.technet.com/b/cmpfekevin/archive/2013/03/05/what-is-fallback-and-what-does-it-mean.aspx",
  'If the client receives the download location but fails to download content, you can try to download the content manually by accessing the URL for the content. You can find the URL by reviewing DataTransferServices.log.',
];

/** Seed: Troubleshooting > Deployment > "Update installation fails". */
export const INSTALL_ADVICE = [
  'Check to see if the scan failed during the deployment evaluation. For troubleshooting scan errors, see "Scan Failures" section.',
  'Review WUAHandler.log and WindowsUpdate.log to find the errors received during update installation.',
  'Try to install the update manually or from Microsoft Update (if possible) to see if the update installation is successful.',
  'Most .NET update failures are caused due to corrupt .NET installations. In these cases, attempt to install the update manually. If the install fails, you can refer to the steps in the following Knowledge Base article to repair the .NET installation: 976982 - .NET Framework update installation error: "0x80070643" or "0x643" (http://support.microsoft.com/kb/976982)',
];

const DOWNLOAD_FAILURES: FailureRule[] = [
  {
    ...CAS,
    link: 'key',
    keys: ['content'],
    pattern: rei`Hash verification failed|Hash (?:does not|doesn't) match`,
    heading: 'Updates fail to get downloaded: the downloaded content does not match its hash',
    advice: DOWNLOAD_ADVICE,
  },
  {
    ...CAS,
    link: 'key',
    keys: ['content', 'ctmJob'],
    pattern: rei`Download failed for (?:content|download request)[^\n]{0,160}?(?<code>${CODE})?`,
    heading: 'Updates fail to get downloaded',
    advice: DOWNLOAD_ADVICE,
  },
  {
    ...CTM,
    link: 'key',
    keys: ['ctmJob'],
    pattern: rei`CTM job ${G} (?:failed|encountered error|suspended)[^\n]{0,160}?(?<code>${CODE})?|Error \(?(?<code2>${CODE})\)?[^\n]{0,80}CTM job`,
    heading: 'Updates fail to get downloaded',
    advice: DOWNLOAD_ADVICE,
  },
  {
    ...LOCATION_SERVICES,
    link: 'key',
    keys: ['lsRequest'],
    pattern: rei`Calling back with empty distribution points? list|no distribution points? (?:found|available)`,
    heading: 'Updates fail to get downloaded: no distribution point location for the content',
    advice: DOWNLOAD_ADVICE,
  },
  {
    ...DTS,
    link: 'key',
    keys: ['dtsJob'],
    pattern: rei`Status : FAILURE|DTSJob ${G} in state 'Error'|Error sending DAV request\. HTTP code (?<http>\d+)|GetDirectoryList_HTTP[^\n]{0,200}failed with code (?<code>${CODE})|BITS job [^\n]{0,80}(?:failed|error)[^\n]{0,80}?(?<code2>${CODE})?`,
    heading: 'Updates fail to get downloaded',
    advice: DOWNLOAD_ADVICE,
  },
];

/**
 * A download failure that names only the content is the instance's when it comes in the instance's own time:
 * every download of that content (another job, an earlier deployment) carries the same content ID.
 */
const OWN_TIME_DOWNLOAD_FAILURES: FailureRule[] = DOWNLOAD_FAILURES.map((rule) =>
  rule.keys?.includes('content') ? { ...rule, ownTimeOnly: true } : rule,
);

/**
 * The content chain every download walks, from the UpdatesHandler/CAS request to the hash check. A deployment
 * follows its content IDs to every CTM job CAS submitted for them; one content download (`oneJob`) is one CTM
 * job, and learns only its own job's content: through the content ID it would take in every other job of the
 * same content (their DTS jobs, their failures), 150 of 500 downloads of the bench corpus cited another job.
 */
function downloadSteps(optionalRequest: boolean, oneJob: boolean): FlowRule['steps'] {
  const submitted = rei`Submitted CTM job (?<ctmJob>${G}) to download Content ${CONTENT}`;
  return [
    {
      name: 'Content Access Service submits a Content Transfer Manager job for the content (CAS.log)',
      ...CAS,
      link: 'key',
      keys: oneJob ? ['ctmJob'] : ['content', 'ctmJob'],
      optional: optionalRequest,
      patterns: oneJob ? [submitted] : [submitted, rei`Requesting content ${CONTENT}`],
      advice: DOWNLOAD_ADVICE,
      nextLog: 'CAS.log',
    },
    {
      name: 'Content Transfer Manager asks Location Services for a distribution point',
      ...CTM,
      link: 'key',
      keys: ['ctmJob'],
      patterns: [rei`Queued location request '(?<lsRequest>${G})' for CTM job`, rei`Starting CTM job`],
      advice: DOWNLOAD_ADVICE,
      nextLog: 'ContentTransferManager.log',
    },
    {
      name: 'Location Services returns the distribution point locations',
      ...LOCATION_SERVICES,
      link: 'key',
      keys: ['lsRequest'],
      optional: true,
      patterns: [rei`Calling back with locations for location request`, rei`Created filter for LS request`],
      nextLog: 'LocationServices.log',
    },
    {
      name: 'Content Transfer Manager starts a Data Transfer Service job from the distribution point',
      ...CTM,
      link: 'key',
      keys: ['ctmJob'],
      patterns: [rei`\(corresponding DTS job (?<dtsJob>${G})\) started download from '(?<url>[^']+)'`],
      detail: (m) => m.groups?.url,
      advice: DOWNLOAD_ADVICE,
      timeoutMs: 60 * 60_000,
    },
    {
      name: 'Data Transfer Service downloads through BITS',
      ...DTS,
      link: 'key',
      keys: ['dtsJob'],
      patterns: [
        rei`Starting BITS (?:download|job)`,
        rei`DTSJob ${G} created to download`,
        rei`DTSJob ${G} in state 'DownloadingData'`,
      ],
      advice: DOWNLOAD_ADVICE,
      nextLog: 'DataTransferService.log',
    },
    {
      name: 'The DTS job completes the download',
      ...DTS,
      link: 'key',
      keys: ['dtsJob'],
      // Without CAS.log (the hash check) the completed transfer is the chain's end: a BITS error before it was retried.
      ends: true,
      patterns: [
        rei`DTSJob ${G} successfully completed download`,
        rei`has completed:[\s\S]{0,20}Status : SUCCESS`,
        rei`DTSJob ${G} in state 'NotifiedComplete'`,
      ],
      advice: DOWNLOAD_ADVICE,
      timeoutMs: 6 * 3600_000,
    },
    {
      name: 'Content Access Service verifies the hash of the downloaded content',
      ...CAS,
      link: 'key',
      keys: ['content'],
      // The line names only the content: one job's is the one in its own time (not a later job's of it).
      ownTimeOnly: oneJob,
      patterns: [rei`Hash verification succeeded for content`],
      advice: DOWNLOAD_ADVICE,
    },
  ];
}

export const contentDownloadFlow: FlowRule = {
  id: 'contentDownload',
  title: 'Content download (CAS → CTM → DTS/BITS)',
  anchors: [
    {
      ...CTM,
      key: 'ctmJob',
      start: [rei`Starting CTM job (?<ctmJob>${G})`, rei`CTM job (?<ctmJob>${G}) \(corresponding DTS job`],
    },
    // Without ContentTransferManager.log, the DTS jobs. One from the management point (…/SMS_MP: policy bodies, CI
    // downloads to CCM\Temp or CIDownloader) is no content download: 50 of 53 real DTS jobs were such. The content
    // ID in a distribution point's URL is what ties the job to CAS.log's hash check (the CTM log would have):
    // updates …/SMS_DP_SMSPKG$/<content GUID> (seed 000), applications …/Content_<GUID>.1 (real logs).
    {
      ...DTS,
      key: 'dtsJob',
      start: [
        rei`DTSJob (?<dtsJob>${G}) created to download(?! from '[^'\n]*/SMS_MP/?')(?: from '[^'\n]*?/SMS_DP_SMSPKG\$/${CONTENT}(?:\.\d+)?')?`,
      ],
    },
  ],
  steps: downloadSteps(true, true),
  failures: OWN_TIME_DOWNLOAD_FAILURES,
  sharedKey: 'content',
};

const SCAN_DURING_EVALUATION: FailureRule = {
  ...UPDATES_HANDLER,
  link: 'key',
  keys: ['detectJob'],
  pattern: rei`(?:scan|job)[^\n]{0,80}?failed[^\n]{0,80}?(?<code>${CODE})|Failed to (?:initiate|start) scan[^\n]{0,80}?(?<code2>${CODE})`,
  heading: 'Update installation fails: the scan failed during the deployment evaluation',
  advice: [...INSTALL_ADVICE, ...SCAN_FAILURE_ADVICE],
  adviceByCode: SCAN_ERROR_GROUPS,
};

/** An update of this assignment (by its update ID) finished installing with an error (WUAHandler.log, seed: "Update 1 (3cbcf577-...) finished installing (0x00000000)"). */
const UPDATE_INSTALL_FAILED: FailureRule = {
  ...WUAHANDLER,
  link: 'key',
  keys: ['update'],
  // Every deployment of this update carries its ID: another deployment's failed install is not this one's.
  ownTimeOnly: true,
  pattern: rei`Update \d+ \(${G}\) finished installing \((?<code>0x(?!00000000)[0-9A-Fa-f]{8})\)`,
  heading: 'Update installation fails',
  advice: INSTALL_ADVICE,
  nextLog: 'WindowsUpdate.log',
};

/** An update of this assignment reached the error state (UpdatesDeployment.log progress line, by update ID). */
const UPDATE_STATE_ERROR: FailureRule = {
  ...UPDATES_DEPLOYMENT,
  link: 'key',
  keys: ['update'],
  ownTimeOnly: true,
  pattern: rei`SUM_${G}\) Progress: Status = ciStateError[^\n]{0,80}?Result = (?<code>0x(?!00000000)[0-9A-Fa-f]{8})`,
  heading: 'Update installation fails',
  advice: INSTALL_ADVICE,
  nextLog: 'WUAHandler.log',
};

/** WUAHandler's batch-level failure: no update ID, so linked by time (and charged only to an instance that did not finish). */
const INSTALL_FAILED: FailureRule = {
  ...WUAHANDLER,
  pattern: rei`Installation of updates failed[^\n]{0,80}?(?<code>${CODE})?|Failed to install update[^\n]{0,120}?(?<code2>${CODE})?`,
  heading: 'Update installation fails',
  advice: INSTALL_ADVICE,
  nextLog: 'WindowsUpdate.log',
};

const WU_INSTALL_FAILED: FailureRule = {
  ...WINDOWS_UPDATE,
  pattern: rei`Completed install of CBS update[^\n]{0,80}?installerError=[1-9][^\n]{0,40}?hr=(?<code>0x[0-9A-Fa-f]+)|Installing updates[^\n]{0,60}Exit code = (?<code2>0x8[0-9A-Fa-f]{7})`,
  heading: 'Update installation fails',
  advice: INSTALL_ADVICE,
  nextLog: 'CBS.log (%windir%\\Logs\\CBS; the component servicing log that says why the package failed)',
  // Only ConfigMgr's install (CallerId = CcmExec): Automatic Updates or Defender install through the same agent.
  when: (_m, _v, at) => isConfigMgrCaller(wuCallerOf(at.source, at.index)),
};

/**
 * UpdatesDeployment.log when the deadline finds no maintenance window open long enough for the installation
 * ("No current service window available to run updates assignment with time required = 600"), and at a window's
 * start when the updates still do not fit ("Updates could not be installed at this time. Waiting for the next
 * maintenance window."): both lines as real clients write them (../shared/corpus/real, iOS-CMLogTracer).
 */
const NO_SERVICE_WINDOW: WaitRule = {
  pattern: rei`No current service window available to run updates assignment|Updates could not be installed at this time\. Waiting for the next maintenance window`,
  reason:
    'The client is waiting for a maintenance window: it installs the updates when a window long enough for them opens, or at once if the deployment allows installation outside maintenance windows. Not a failure while no window has opened.',
  nextLog: 'ServiceWindowManager.log',
  advice: [
    ...REVIEW_SERVICE_WINDOWS,
    "In the deployment's properties, \"Deadline behavior for Maintenance Windows – Software Update installation\" checked installs the updates at the deadline even outside a maintenance window (the seed's Scenario 3); unchecked, required updates wait for a maintenance window of the device's collections that is long enough for them.",
  ],
};

const ENFORCEMENT_FAILED: FailureRule = {
  ...UPDATES_DEPLOYMENT,
  link: 'key',
  keys: ['assignment'],
  pattern: re`StateName = (?:ASSIGNMENT_ENFORCE_FAILED|ASSIGNMENT_EVALUATE_FAILED|CI_ENFORCEMENT_FAILED)`,
  heading: 'Update installation fails',
  advice: INSTALL_ADVICE,
};

export const deploymentFlow: FlowRule = {
  id: 'deployment',
  title: 'Software update deployment: evaluation, download, installation, restart',
  anchors: [
    {
      ...UPDATES_DEPLOYMENT,
      key: 'assignment',
      start: [
        re`Assignment (?<assignment>${G}) has total CI`,
        re`Deadline received for assignment \((?<assignment>${G})\)`,
        re`<AssignmentID>(?<assignment>${G})</AssignmentID>`,
        re`for assignment \((?<assignment>${G})\)`,
      ],
    },
  ],
  steps: [
    {
      name: 'Policy Agent downloads the deployment (assignment) policy',
      ...POLICY_AGENT,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [
        re`(?:Download of policy|successfully compiled|Initializing download of policy)[^\n]{0,40}CCM_Policy_Policy5`,
        re`CCM_Policy_Policy5[^\n]{0,300}(?:completed|successfully compiled)`,
      ],
      nextLog: 'PolicyAgent.log',
    },
    {
      name: 'Scheduler sets the deadline trigger',
      ...SCHEDULER,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [
        re`Initialized trigger \("(?<token>[0-9A-Fa-f]{16})"\) for schedule 'Machine/DEADLINE:`,
        re`will fire at (?<fire>[^\n]{1,80}?) (?:with|without) randomization`,
        re`Sending message for schedule 'Machine/DEADLINE:`,
      ],
      detail: (m) =>
        m.groups?.token
          ? `trigger ${m.groups.token}: ${describeScheduleString(m.groups.token)}`
          : m.groups?.fire
            ? `fires at ${m.groups.fire}`
            : undefined,
      nextLog: 'Scheduler.log',
    },
    {
      name: 'Updates Deployment Agent starts the evaluation (deadline or schedule)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`Deadline received for assignment`, re`has total CI`, re`EnforcementDeadline`],
    },
    {
      name: 'Detection scan started for the assignment',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`Detection job \((?<detectJob>${G})\) started for assignment`],
    },
    {
      name: 'UpdatesHandler runs the scan (Scan Agent → WUAHandler) for the detection job',
      ...UPDATES_HANDLER,
      link: 'key',
      keys: ['detectJob'],
      patterns: [
        re`Scan completion received for job`,
        re`Initial scan completed for the job`,
        re`Successfully initiated scan for job`,
      ],
      failures: [SCAN_DURING_EVALUATION],
      nextLog: 'UpdatesHandler.log',
    },
    {
      name: 'Evaluation done: updates targeted, evaluation and compliance state messages raised',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [
        re`DetectJob completion received for assignment`,
        re`Making updates available for assignment`,
        re`TopicType = Evaluate, StateId = \d+, StateName = (?<state>\w+)`,
      ],
      detail: (m) => m.groups?.state,
    },
    {
      name: 'Updates Deployment Agent lists the updates the assignment targets',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      // The update IDs become the instance's keys: WUAHandler's install lines carry them, not the assignment.
      patterns: [rei`SUM_(?<update>${G})\)[^\n]{0,300}?added to the targeted list of deployment`],
    },
    {
      name: 'Download job started for the assignment (DownloadCIContents)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`DownloadCIContents Job \((?<downloadJob>${G})\) started for assignment`],
    },
    {
      name: 'UpdatesHandler requests the content of each update from Content Access Service',
      ...UPDATES_HANDLER,
      link: 'time',
      patterns: [re`Content Text = <Content ContentId="${CONTENT}"`, re`Initiating download for the job`],
      withinMs: 2 * 60_000,
      nextLog: 'UpdatesHandler.log',
    },
    ...downloadSteps(false, false),
    {
      name: 'Download complete: advance download state message (ASSIGNMENT_ENFORCE_ADVANCE_DOWNLOAD_SUCCESS)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [re`StateName = ASSIGNMENT_ENFORCE_ADVANCE_DOWNLOAD_SUCCESS`],
    },
    {
      name: 'Updates Deployment Agent starts the installation (ApplyCIs)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`Starting install for assignment`],
      waits: [NO_SERVICE_WINDOW],
    },
    {
      name: 'UpdatesHandler starts the installation batch',
      ...UPDATES_HANDLER,
      link: 'time',
      optional: true,
      patterns: [re`Updates installation started`, re`added to the installation batch`, re`is starting execution`],
    },
    {
      name: 'WUAHandler copies the files to the WUA cache and installs the updates',
      ...WUAHANDLER,
      link: 'time',
      patterns: [
        re`Installation of updates completed`,
        re`Async install completed`,
        re`Async installation of updates started`,
      ],
      failures: [UPDATE_INSTALL_FAILED, INSTALL_FAILED],
      advice: INSTALL_ADVICE,
      nextLog: 'WUAHandler.log',
    },
    {
      name: 'Windows Update Agent installs the updates (WindowsUpdate.log)',
      ...WINDOWS_UPDATE,
      link: 'time',
      optional: true,
      patterns: [
        rei`Installing updates \[CallerId = CcmExec\]|Installing updates CallerId = CcmExec`,
        rei`COMAPI: Install \[ClientId = CcmExec\]`,
      ],
      failures: [WU_INSTALL_FAILED],
      nextLog: 'WindowsUpdate.log (%windir%; on Windows 10 and later produce it with Get-WindowsUpdateLog)',
    },
    {
      name: 'Restart pending (ASSIGNMENT_ENFORCE_PENDING_REBOOT)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      optional: true,
      patterns: [re`StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT`],
    },
    {
      name: 'After the restart: detection of the pending-reboot updates',
      ...UPDATES_DEPLOYMENT,
      link: 'time',
      optional: true,
      patterns: [
        re`Detect after reboot job completed with result = (?<result>0x[0-9A-Fa-f]+)`,
        re`Initiated detect for pending reboot updates after system restart`,
      ],
      detail: (m) => (m.groups?.result ? `result ${m.groups.result}` : undefined),
    },
    {
      name: 'Enforcement succeeded: compliant (ASSIGNMENT_ENFORCE_SUCCESS / IsCompliant = True)',
      ...UPDATES_DEPLOYMENT,
      link: 'key',
      keys: ['assignment'],
      patterns: [re`StateName = ASSIGNMENT_ENFORCE_SUCCESS`, re`TopicType = Compliance[^\n]{0,80}IsCompliant = True`],
      advice: INSTALL_ADVICE,
    },
  ],
  // A deployment follows its updates' contents to every CTM job of them: other deployments' jobs of the same
  // content too, so each download failure is its own only in its own time.
  failures: [
    ENFORCEMENT_FAILED,
    UPDATE_STATE_ERROR,
    ...DOWNLOAD_FAILURES.map((rule) => ({ ...rule, ownTimeOnly: true })),
  ],
  maxDurationMs: 24 * 3600_000,
};
