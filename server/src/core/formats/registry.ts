// Every format the parser knows, in the order detection and the assembler try them. Adding a format: its
// file (a LogFormat, see format.ts) and its place here; the table, detection, the assembler and hovers
// take it from this list.
import { burn } from './burn';
import { cbs } from './cbs';
import { clickToRun } from './clickToRun';
import { cmtrace } from './cmtrace';
import { dpinst } from './dpinst';
import { isFirstLine, type FirstLineFormat, type LogFormat } from './format';
import { iis } from './iis';
import { msi } from './msi';
import { officeSetup } from './officeSetup';
import { plain } from './plain';
import { setup, wsus, wuClassic, wuEtw } from './prefixed';
import { setupApi } from './setupapi';
import { setupApiLegacy } from './setupapiLegacy';
import { sms } from './sms';

/**
 * Order matters where two formats could read the same line: CMTrace and SMS markers first (they can sit in
 * any line), WSUS before the ETW WindowsUpdate form (both may start YYYY-MM-DD), CBS ("YYYY-MM-DD HH:MM:SS, ")
 * after them; Office Setup's "YYYY/MM/DD HH:MM:SS:mmm::[tid]" after WindowsUpdate's "YYYY/MM/DD HH:MM:SS.f";
 * formats read only in their own files (MSI, IIS, SetupAPI, legacy setupapi.log, DPINST.LOG) claim lines in detection only; plain,
 * the fallback, last.
 */
export const LOG_FORMATS = [
  cmtrace,
  sms,
  msi,
  wsus,
  wuEtw,
  wuClassic,
  setup,
  cbs,
  clickToRun,
  burn,
  officeSetup,
  iis,
  setupApi,
  setupApiLegacy,
  dpinst,
  plain,
] as const;

export type FormatId = (typeof LOG_FORMATS)[number]['id'];

const BY_ID = new Map<string, LogFormat>(LOG_FORMATS.map((f) => [f.id, f as LogFormat]));

export function formatById(id: FormatId): LogFormat {
  return BY_ID.get(id)!;
}

/** The first-line formats any file's lines may be read as (not those read only in their own files). */
export const SHARED_FIRST_LINE_FORMATS: FirstLineFormat[] = (LOG_FORMATS as readonly LogFormat[]).filter(
  (f): f is FirstLineFormat => isFirstLine(f) && !f.ownFilesOnly,
);
