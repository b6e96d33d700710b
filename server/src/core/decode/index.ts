// The decoders: error codes, status messages and state messages. Pure TypeScript (no vscode, no LSP),
// shared by the CLI, the language server and the tests. Tables: ./data (see data/README.md).

export type { SeedHint } from './data';
export type { CodeEntry, CodeInfo, CodeSeverity, Facility, Win32Part } from './hresult';
export { facilityOf, formatCode, hresultFromWin32, isKnownCode, isKnownWin32, lookupCode, lookupWin32 } from './hresult';
export type { CodeKind, CodeMatch } from './findCodes';
export { decodeMatch, findCodes } from './findCodes';
export type { StatmsgAttribute, StatmsgDecoded, StatmsgFields, StatmsgMention, StatmsgText, StatusViewerRow } from './statmsg';
export {
  decodeStatmsg,
  describeStatmsg,
  findStatmsgMentions,
  findStatmsgs,
  gmtDateToIso,
  isKnownStatmsg,
  levelName,
  matchTemplate,
  parseStatmsg,
  parseStatusViewerRow,
  severityName,
} from './statmsg';
export type { StateDecoded, StateMessageMatch, StateNameEntry, StateNameKind, TopicBasis, TopicState } from './stateMessage';
export { TOPIC_WORDS, decodeState, findStateMessages, stateByLogName, statesOfTopic, topicTypeName } from './stateMessage';
export type { LookupKind, LookupResult } from './lookup';
export { formatLookup, lookup } from './lookup';
