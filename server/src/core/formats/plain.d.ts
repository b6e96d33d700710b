import { type RecordFields } from './fields';
export declare function plainFields(line: string): RecordFields;
