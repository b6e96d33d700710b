// Diagnosis: every documented flow over a set of parsed logs. A new flow is one new file, added to FLOWS.
import type { ParseResult } from '../parse';
import type { Finding } from './findings';
import type { FlowModule } from './rules';
import { DiagnoseContext } from './sources';
import { runModule } from './walk';
import { contentDownloadFlow, deploymentFlow } from './deployment';
import { assignmentReplicationFlow, withAudit } from './assignmentReplication';
import { clientInstallModule } from './clientInstall';
import { groupPolicyModule, reportGroupPolicyOnce } from './groupPolicy';
import { locationFlow } from './location';
import { rebootWindowsModule } from './rebootWindows';
import { scanFlow } from './scan';
import { stateMessageFlow, stateSystemFlow } from './stateMessages';
import { syncFlow } from './sync';
import { updatesAgentModule } from './updatesAgent';
import { windowsUpdateModule } from './windowsUpdateAlone';

export type { Evidence, Finding, FindingError, FindingStatus, FindingStep } from './findings';
export type { FlowModule, FlowRule, StepRule } from './rules';
export {
  decodeScheduleString,
  decodeScheduleToken,
  describeScheduleString,
  describeScheduleToken,
} from './rebootWindows';

/**
 * In the order the seed tells the story: synchronization, compliance, deployment, restart; then the flows admins
 * meet next to it (client installation, Windows Update for its other callers).
 */
export const FLOWS: FlowModule[] = [
  syncFlow,
  updatesAgentModule,
  locationFlow,
  groupPolicyModule,
  scanFlow,
  stateMessageFlow,
  stateSystemFlow,
  assignmentReplicationFlow,
  deploymentFlow,
  contentDownloadFlow,
  rebootWindowsModule,
  clientInstallModule,
  windowsUpdateModule,
];

/** Findings of a flow the seeds do not describe say where their steps to try come from. */
function withAdviceSource(flow: FlowModule, findings: Finding[]): Finding[] {
  const adviceFrom = flow.adviceFrom;
  return adviceFrom ? findings.map((f) => (f.advice.length ? { ...f, adviceFrom } : f)) : findings;
}

export function diagnose(results: ParseResult[]): Finding[] {
  const context = new DiagnoseContext(results);
  return withAudit(
    context,
    reportGroupPolicyOnce(
      context,
      FLOWS.flatMap((flow) => withAdviceSource(flow, runModule(flow, context))),
    ),
  );
}
