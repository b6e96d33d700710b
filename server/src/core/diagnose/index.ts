// Diagnosis: every documented flow over a set of parsed logs. A new flow is one new file, added to FLOWS.
import type { ParseResult } from '../parse';
import { DiagnoseContext, runModule, type Finding, type FlowModule } from './engine';
import { contentDownloadFlow, deploymentFlow } from './deployment';
import { locationFlow } from './location';
import { rebootWindowsModule } from './rebootWindows';
import { scanFlow } from './scan';
import { stateMessageFlow, stateSystemFlow } from './stateMessages';
import { syncFlow } from './sync';

export type { Evidence, Finding, FindingError, FindingStatus, FindingStep, FlowModule, FlowRule, StepRule } from './engine';
export { decodeScheduleString, decodeScheduleToken, describeScheduleString, describeScheduleToken } from './rebootWindows';

/** In the order the seed tells the story: synchronization, compliance, deployment, restart. */
export const FLOWS: FlowModule[] = [syncFlow, locationFlow, scanFlow, stateMessageFlow, stateSystemFlow, deploymentFlow, contentDownloadFlow, rebootWindowsModule];

export function diagnose(results: ParseResult[]): Finding[] {
  const context = new DiagnoseContext(results);
  return FLOWS.flatMap((flow) => runModule(flow, context));
}
