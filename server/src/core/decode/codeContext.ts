// Several tables can name one value (0x80072F8F is WinINet's ERROR_INTERNET_DECODING_FAILED and
// WinHTTP's ERROR_WINHTTP_SECURE_FAILURE; 0x80000003 is E_INVALIDARG and NTSTATUS's STATUS_BREAKPOINT).
// The line a code sits in says which one the writer meant: its component, its file, its words.
// This module reads that context; hresult.ts orders the names with it (best first, the others after).

/** Where a row of the code tables comes from, read from its `source` column. */
export type CodeFamily =
  | 'win32'
  | 'sdk'
  | 'wininet'
  | 'winhttp'
  | 'windowsUpdate'
  | 'bits'
  | 'vbscript'
  | 'configmgr'
  | 'wmi'
  | 'deliveryOptimization'
  | 'cbs'
  | 'intune'
  | 'ntstatus';

/** The line around a code: its text, and the record's component and file when there is a record. */
export interface CodeContext {
  text?: string;
  component?: string;
  file?: string;
}

// Order matters: WinINet and WinHTTP rows are also HRESULT_FROM_WIN32 rows.
const SOURCE_FAMILIES: Array<[RegExp, CodeFamily]> = [
  [/WinHttp|winhttp\.h/i, 'winhttp'],
  [/WinInet|wininet\.h/i, 'wininet'],
  [/ntstatus\.h/, 'ntstatus'],
  [/WmiSdk|WbemCli|WbemProv/, 'wmi'],
  [/delivery_?optimization/i, 'deliveryOptimization'],
  [/app-install-error-codes/, 'intune'],
  [/common-windows-update-errors|fix-windows-update-errors|net-framework-35/, 'cbs'],
  [/wuerror|windows-update-errors|troubleshoot-software-update-scan/, 'windowsUpdate'],
  [/BitsMsg/, 'bits'],
  [/vbscript/i, 'vbscript'],
  [/scotscottmca/, 'configmgr'],
  [/HRESULT_FROM_WIN32/, 'win32'],
];

export function familyOfSource(source: string): CodeFamily {
  return SOURCE_FAMILIES.find(([pattern]) => pattern.test(source))?.[1] ?? 'sdk';
}

// ---------- reading a line ----------

/**
 * Components and logs whose HTTP goes through WinHTTP: the ConfigMgr client's messaging, content
 * and location components, ccmsetup, BITS, the Windows Update agent (WUAHandler, and the ETW
 * WindowsUpdate.log components) and the Intune Management Extension.
 */
const WINHTTP_COMPONENTS =
  /ccmsetup|CcmMessaging|DataTransferService|\bDTS\b|ContentTransferManager|LocationServices|ClientLocation|CcmNotificationAgent|BITS|WUAHandler|WindowsUpdate|ProtocolTalker|WebServices|DownloadManager|\bSLS\b|IntuneManagementExtension|AgentExecutor|AppWorkload|CcmRepair|ClientIDManagerStartup|PolicyAgent|\bCAS\b|mtrmgr/i;
const WINHTTP_WORDS =
  /WinHttp|\bSSL\b|\bTLS\b|certificate|\bcert\b|https:|secure channel|schannel|\bCCM_POST\b|\bCCM_GET\b|ccm_system/i;
const WININET_WORDS = /WinINet|\bInternetOpen|\bInternetConnect|\bHttpSendRequest|Internet Explorer|\bURLMon\b/i;
const WMI_WORDS =
  /\bWMI\b|\bWBEM|namespace|\bWQL\b|ExecQuery|ExecMethod|ConnectServer|IWbem|root\\(?:ccm|cimv2|sms)|\bMOF\b|mofcomp/i;
const DO_WORDS = /Delivery ?Optimization|\bDO_[A-Z]|\bDoSvc\b|\bDO job\b|\bDO download/i;
const CBS_WORDS = /\bCBS\b|\bDISM\b|\bPSFX|component store|servicing stack|\.NET Framework 3\.5|\bNetFx3\b/i;
const INTUNE_WORDS = /Intune|\bIME\b|Win32App|Sidecar|\bMDM\b/i;
/** The line is about an NTSTATUS: it says so, names a STATUS_* value, or is a crash report. */
const NTSTATUS_WORDS =
  /\bNTSTATUS\b|\bNtStatus\b|\bSTATUS_[A-Z][A-Z_]{3,}|exception code|\bbug ?check\b|\bcrash(?:ed)?\b/i;

export interface NamePreference {
  /** Families whose names go first, best first. */
  prefer: CodeFamily[];
  /** The text read for the context: a symbolic name it writes ("Code=12002, Text=ERROR_WINHTTP_TIMEOUT") wins. */
  text: string;
  /** The line is about an NTSTATUS: its meaning is offered (first) beside the HRESULT one. */
  ntstatus: boolean;
}

let last: { key: string; value: NamePreference } | undefined;

/** The words that set a code's context are near it: a long XML body or policy dump is read only so far. */
const CONTEXT_CHARS = 2000;
const contextText = (context: CodeContext) => (context.text ?? '').slice(0, CONTEXT_CHARS);

/** Is the line about an NTSTATUS? (One regex: asked for every code with a context.) */
export function isAboutNtstatus(context: CodeContext): boolean {
  return NTSTATUS_WORDS.test(contextText(context));
}

/**
 * The families a line points at, best first. Words in the text count before the component; WinHTTP
 * is preferred to WinINet in a ConfigMgr or Windows Update line unless the line names WinINet,
 * because those components talk HTTP through WinHTTP (WinINet is the browser's stack).
 */
export function namePreference(context: CodeContext): NamePreference {
  const text = contextText(context);
  const where = `${context.component ?? ''} ${context.file ?? ''}`;
  const key = `${where}\u0000${text}`;
  if (last?.key === key) return last.value;
  const prefer: CodeFamily[] = [];
  const ntstatus = NTSTATUS_WORDS.test(text);
  if (ntstatus) prefer.push('ntstatus');
  if (WMI_WORDS.test(text)) prefer.push('wmi');
  if (DO_WORDS.test(text) || /DeliveryOptimization|dosvc/i.test(where)) prefer.push('deliveryOptimization');
  if (CBS_WORDS.test(text) || /\bCBS\b|DISM/i.test(where)) prefer.push('cbs');
  if (INTUNE_WORDS.test(text) || /IntuneManagementExtension|AgentExecutor|AppWorkload/i.test(where))
    prefer.push('intune');
  if (WININET_WORDS.test(text)) prefer.push('wininet', 'winhttp');
  else if (WINHTTP_WORDS.test(text) || WINHTTP_COMPONENTS.test(where) || where.trim() !== '')
    prefer.push('winhttp', 'wininet');
  const value = { prefer, text, ntstatus };
  last = { key, value };
  return value;
}

const isNameChar = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/** Does `text` write `name` as a whole word ("E_FAIL", not the start of "WBEM_E_FAILED")? */
export function mentionsName(text: string, name: string): boolean {
  if (name.length < 3) return false;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (!isNameChar(text[at - 1]) && !isNameChar(text[at + name.length])) return true;
  }
  return false;
}
