// Which codes report a failure. Kept apart from the tables (no data import) so that the format
// parsers can ask it while reading a file without bundling the code tables into the parse worker.

/**
 * What a code says happened: `failure`, or `success` (the failure bit is clear: S_FALSE, WU_S_*,
 * WBEM_S_*, or a Win32 code whose winerror.h text says the operation succeeded: 1641
 * ERROR_SUCCESS_REBOOT_INITIATED, 3010 ERROR_SUCCESS_REBOOT_REQUIRED, 3011
 * ERROR_SUCCESS_RESTART_REQUIRED, and two SetupAPI statuses), or `noOp` (0x8024000C WU_E_NOOP, "No operation was required":
 * the failure bit is set, but nothing was wrong). Only failures make errors.
 */
export type CodeOutcome = 'success' | 'noOp' | 'failure';

const WU_E_NOOP = 0x8024000c;
/**
 * HRESULT_FROM_WIN32 of 1641, 3010 and 3011; and two SetupAPI statuses that setupapi.dev.log writes as "Error" or
 * "exit(…)" on healthy installs, in both their SetupAPI (0xE000…) and HRESULT (0x800F…) forms: DI_DO_DEFAULT (a class
 * installer's "perform the default action", winerror.h SPAPI_E_DI_DO_DEFAULT) and AUTHENTICODE_TRUSTED_PUBLISHER
 * ("The INF was signed with an Authenticode(tm) catalog from a trusted publisher").
 */
const SUCCESS_CODES = new Set([0x80070669, 0x80070bc2, 0x80070bc3, 0xe000020e, 0x800f020e, 0xe0000241, 0x800f0241]);

export function outcomeOf(code: number): CodeOutcome {
  const value = code >>> 0;
  if (value >>> 31 === 0) return 'success';
  if (value === WU_E_NOOP) return 'noOp';
  return SUCCESS_CODES.has(value) ? 'success' : 'failure';
}

/** "*FAILED* [8024000C]": the bracketed code WindowsUpdate.log writes after FAILED, when there is one. */
export function failedBracketCode(text: string): number | null {
  const m = /\bFAILED\*? \[([0-9A-Fa-f]{8})\]/.exec(text);
  return m ? parseInt(m[1], 16) >>> 0 : null;
}
