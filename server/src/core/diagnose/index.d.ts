import type { ParseResult } from '../parse';
import { type Finding, type FlowModule } from './engine';
export type { Evidence, Finding, FindingError, FindingStatus, FindingStep, FlowModule, FlowRule, StepRule } from './engine';
export { decodeScheduleString, decodeScheduleToken, describeScheduleString, describeScheduleToken } from './rebootWindows';
/** In the order the seed tells the story: synchronization, compliance, deployment, restart. */
export declare const FLOWS: FlowModule[];
export declare function diagnose(results: ParseResult[]): Finding[];
