// Windows Setup reports a failed upgrade as a result code and an extend code: "0xC1900101 - 0x4000D". The extend
// code's first hex digit is the phase, its last two the operation it was doing. Names from Microsoft's "Upgrade
// error codes" page (github:MicrosoftDocs/windows-itpro-docs/windows/deployment/upgrade/upgrade-error-codes.md@0ff8799,
// "Extend codes"), which says they describe Windows 10 version 1607's setup and may change in later releases.

const PHASES = [
  'SP_EXECUTION_UNKNOWN',
  'SP_EXECUTION_DOWNLEVEL',
  'SP_EXECUTION_SAFE_OS',
  'SP_EXECUTION_FIRST_BOOT',
  'SP_EXECUTION_OOBE_BOOT',
  'SP_EXECUTION_UNINSTALL',
];

const OPERATIONS = [
  'SP_EXECUTION_OP_UNKNOWN',
  'SP_EXECUTION_OP_COPY_PAYLOAD',
  'SP_EXECUTION_OP_DOWNLOAD_UPDATES',
  'SP_EXECUTION_OP_INSTALL_UPDATES',
  'SP_EXECUTION_OP_INSTALL_RECOVERY_ENVIRONMENT',
  'SP_EXECUTION_OP_INSTALL_RECOVERY_IMAGE',
  'SP_EXECUTION_OP_REPLICATE_OC',
  'SP_EXECUTION_OP_INSTALL_DRVIERS', // sic: the page's spelling
  'SP_EXECUTION_OP_PREPARE_SAFE_OS',
  'SP_EXECUTION_OP_PREPARE_ROLLBACK',
  'SP_EXECUTION_OP_PREPARE_FIRST_BOOT',
  'SP_EXECUTION_OP_PREPARE_OOBE_BOOT',
  'SP_EXECUTION_OP_APPLY_IMAGE',
  'SP_EXECUTION_OP_MIGRATE_DATA',
  'SP_EXECUTION_OP_SET_PRODUCT_KEY',
  'SP_EXECUTION_OP_ADD_UNATTEND',
  'SP_EXECUTION_OP_ADD_DRIVER',
  'SP_EXECUTION_OP_ENABLE_FEATURE',
  'SP_EXECUTION_OP_DISABLE_FEATURE',
  'SP_EXECUTION_OP_REGISTER_ASYNC_PROCESS',
  'SP_EXECUTION_OP_REGISTER_SYNC_PROCESS',
  'SP_EXECUTION_OP_CREATE_FILE',
  'SP_EXECUTION_OP_CREATE_REGISTRY',
  'SP_EXECUTION_OP_BOOT',
  'SP_EXECUTION_OP_SYSPREP',
  'SP_EXECUTION_OP_OOBE',
  'SP_EXECUTION_OP_BEGIN_FIRST_BOOT',
  'SP_EXECUTION_OP_END_FIRST_BOOT',
  'SP_EXECUTION_OP_BEGIN_OOBE_BOOT',
  'SP_EXECUTION_OP_END_OOBE_BOOT',
  'SP_EXECUTION_OP_PRE_OOBE',
  'SP_EXECUTION_OP_POST_OOBE',
  'SP_EXECUTION_OP_ADD_PROVISIONING_PACKAGE',
];

export const EXTEND_CODE_SOURCE =
  'github:MicrosoftDocs/windows-itpro-docs/windows/deployment/upgrade/upgrade-error-codes.md@0ff8799 ("Extend codes", Windows 10 version 1607)';

export interface SetupExtendCode {
  /** As written, "0x4000D". */
  text: string;
  phase: string;
  operation: string;
}

/** Windows Setup's result codes (0xC19xxxxx, MOSETUP_E_*): the ones an extend code follows. */
export function isSetupResultCode(value: number): boolean {
  return value >>> 20 === 0xc19;
}

/** " - 0x4000D" right after a result code; only extend codes whose phase and operation the page names. */
const EXTEND_AFTER = /^ ?- ?(0x([0-9A-Fa-f]{5}))\b/;

/** The extend code written right after a Windows Setup result code ending at `end` in `text`, read; or null. */
export function extendCodeAfter(text: string, end: number): SetupExtendCode | null {
  const m = EXTEND_AFTER.exec(text.slice(end, end + 12));
  if (!m) return null;
  const value = parseInt(m[2], 16);
  const phase = PHASES[value >>> 16];
  const operation = OPERATIONS[value & 0xffff];
  return phase && operation ? { text: m[1], phase, operation } : null;
}
