// The decoders: error codes, HTTP statuses, status messages and state messages. Pure TypeScript (no
// vscode, no LSP), shared by the CLI, the language server and the tests. Tables: ./data (see data/README.md).

export type { TroubleshootingHint } from './data';
export type { CodeContext, CodeFamily } from './codeContext';
export type { CodeEntry, CodeInfo, CodeOutcome, CodeSeverity, Facility, Win32Part } from './hresult';
export {
  facilityOf,
  formatCode,
  hresultFromWin32,
  isKnownCode,
  isKnownNtstatus,
  isKnownWin32,
  lookupCode,
  lookupWin32,
  outcomeOf,
} from './hresult';
export type { HttpStatus } from './httpStatus';
export { describeHttpStatus } from './httpStatus';
export type { CodeKind, CodeMatch } from './findCodes';
export { decodeMatch, findCodes } from './findCodes';
export type {
  StatmsgAttribute,
  StatmsgDecoded,
  StatmsgFields,
  StatmsgMention,
  StatmsgText,
  StatusMessageModule,
  StatusViewerRow,
} from './statusMessages';
export {
  decodeStatmsg,
  describeStatmsg,
  findStatmsgMentions,
  findStatmsgs,
  gmtDateToIso,
  isCuratedStatmsg,
  isKnownStatmsg,
  levelName,
  matchTemplate,
  moduleOf,
  parseStatmsg,
  parseStatusViewerRow,
  severityName,
} from './statusMessages';
export type {
  StateDecoded,
  StateMessageMatch,
  StateNameEntry,
  StateNameKind,
  TopicBasis,
  TopicState,
} from './stateMessageTopics';
export {
  TOPIC_WORDS,
  decodeState,
  findStateMessages,
  stateByLogName,
  statesOfTopic,
  topicTypeName,
} from './stateMessageTopics';
export type { LookupKind, LookupResult } from './lookup';
export { formatLookup, lookup } from './lookup';
