// IIS W3C extended logs (u_exYYMMDD.log): what a distribution point, management point or software update point
// answered. "#Software:", "#Version:", "#Date:" and "#Fields:" directives head each run of the service; the
// #Fields line names the space-separated columns of the lines after it (it can change mid-file). Times are UTC
// by definition (bias 0). Every line is a record: the status decides the severity (5xx error, 4xx warning),
// and sc-status / sc-substatus / sc-win32-status are decoded into the record's context
// ("404.0 Not Found; win32 2 ERROR_FILE_NOT_FOUND"). The component is the URL path (cs-uri-stem), which names
// the endpoint: /SMS_MP/.sms_aut, /ClientWebService/client.asmx, /SMS_DP_SMSPKG$/...
// Format: https://learn.microsoft.com/windows/win32/http/w3c-logging (W3C Extended Log File Format).
import type { Severity } from '../record';
import { makeLogTime, type LogTime } from '../time';
import { fieldsFrom, type RecordFields } from './fields';
import type { LogFormat } from './format';

export interface IisState {
  /** The columns the last #Fields directive named (IIS's default set until one is read). */
  fields: string[];
  /** The date of the last #Date directive, "YYYY-MM-DD" (for logs whose columns have a time but no date). */
  date: string | null;
}

/** The columns IIS writes by default, for lines before any #Fields directive (a file cut at its start). */
const DEFAULT_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'.split(
    ' ',
  );
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;
const DATE_DIRECTIVE = /^#Date: (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/;

/** A line that heads an IIS W3C log. */
export function looksLikeIis(line: string): boolean {
  return (
    line.startsWith('#Software: Microsoft Internet Information Services') ||
    line.startsWith('#Fields: ') ||
    (line.startsWith('#Version: ') && line.length < 20)
  );
}

export function iisFields(line: string, state: IisState): RecordFields {
  if (line.charCodeAt(0) === 35 /* # */) return directive(line, state);
  const values = line.split(' ');
  const column = (name: string) => {
    const i = state.fields.indexOf(name);
    return i >= 0 && i < values.length ? values[i] : null;
  };
  const dateAt = state.fields.indexOf('date');
  const timeAt = state.fields.indexOf('time');
  const time = w3cTime(column('date') ?? state.date, column('time'));
  // The message is the line after its leading date and time columns (the usual layout), else all of it.
  const skip = dateAt === 0 && timeAt === 1 ? 2 : timeAt === 0 ? 1 : 0;
  const message = values.slice(skip).join(' ');
  const status = column('sc-status');
  const substatus = column('sc-substatus');
  const win32 = column('sc-win32-status');
  return fieldsFrom('iis', message, time, {
    component: column('cs-uri-stem') ?? column('s-sitename') ?? '',
    rawType: status,
    severity: statusSeverity(status, substatus, win32),
    context: describeStatus(status, substatus, win32),
    damaged:
      time || (column('date') === null && column('time') === null)
        ? undefined
        : `unreadable date/time ${column('date') ?? ''} ${column('time') ?? ''}`.trimEnd(),
  });
}

function directive(line: string, state: IisState): RecordFields {
  let time: LogTime | null = null;
  if (line.startsWith('#Fields:')) {
    const names = line.slice(8).trim().split(/\s+/).filter(Boolean);
    if (names.length) state.fields = names;
  } else {
    const date = DATE_DIRECTIVE.exec(line);
    if (date) {
      state.date = date[1];
      time = w3cTime(date[1], date[2]);
    }
  }
  return fieldsFrom('iis', line, time, { component: 'W3C', severity: 'verbose', rawType: 'directive' });
}

function w3cTime(date: string | null, time: string | null): LogTime | null {
  const d = date ? DATE.exec(date) : null;
  const t = time ? TIME.exec(time) : null;
  if (!d || !t) return null;
  return makeLogTime(+d[1], +d[2], +d[3], { hour: +t[1], minute: +t[2], second: +t[3], fraction: t[4] ?? '' }, 0);
}

/**
 * 5xx errors, 4xx warnings, but not the 401s of an authentication handshake: Windows authentication answers
 * the first, anonymous request with 401.2 and the first NTLM leg with 401.1 + SEC_E_NO_CREDENTIALS
 * (2148074254) before the 200; every authenticated client call to an MP, DP or SUP logs them. Other 401s
 * (SEC_E_LOGON_DENIED, ERROR_LOGON_FAILURE, ...) stay warnings.
 */
function statusSeverity(status: string | null, substatus: string | null, win32: string | null): Severity {
  const n = status === null ? NaN : +status;
  if (!Number.isInteger(n)) return 'info';
  if (n >= 500) return 'error';
  if (n === 401 && (substatus === '2' || (substatus === '1' && win32 === '2148074254'))) return 'info';
  if (n >= 400) return 'warning';
  return 'info';
}

// RFC 9110 reason phrases of the statuses IIS writes, and IIS's own substatus meanings
// (Microsoft Learn "The HTTP status code in IIS 7 and later versions",
// https://learn.microsoft.com/troubleshoot/developer/webapps/iis/www-administration-management/http-status-code).
const REASONS: Record<string, string> = {
  '100': 'Continue',
  '101': 'Switching Protocols',
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
  '206': 'Partial Content',
  '301': 'Moved Permanently',
  '302': 'Found',
  '304': 'Not Modified',
  '307': 'Temporary Redirect',
  '308': 'Permanent Redirect',
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not Found',
  '405': 'Method Not Allowed',
  '406': 'Not Acceptable',
  '408': 'Request Timeout',
  '409': 'Conflict',
  '411': 'Length Required',
  '412': 'Precondition Failed',
  '413': 'Content Too Large',
  '414': 'URI Too Long',
  '415': 'Unsupported Media Type',
  '416': 'Range Not Satisfiable',
  '500': 'Internal Server Error',
  '501': 'Not Implemented',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
  '504': 'Gateway Timeout',
};
const SUBSTATUS: Record<string, string> = {
  '401.1': 'logon failed',
  '401.2': 'logon failed due to server configuration',
  '401.3': 'unauthorized due to ACL on resource',
  '401.4': 'authorization failed by filter',
  '401.5': 'authorization failed by ISAPI/CGI application',
  '403.1': 'execute access forbidden',
  '403.2': 'read access forbidden',
  '403.3': 'write access forbidden',
  '403.4': 'SSL required',
  '403.5': 'SSL 128 required',
  '403.6': 'IP address rejected',
  '403.7': 'client certificate required',
  '403.8': 'site access denied',
  '403.12': 'mapper denied access',
  '403.13': 'client certificate revoked',
  '403.14': 'directory listing denied',
  '403.16': 'client certificate is untrusted or invalid',
  '403.17': 'client certificate has expired or is not yet valid',
  '403.18': 'cannot execute the requested URL in the current application pool',
  '403.502': 'too many requests from the same client IP (dynamic IP restriction)',
  '403.503': 'rejected by an IP address restriction',
  '404.1': 'site not found',
  '404.2': 'ISAPI or CGI restriction',
  '404.3': 'MIME map policy prevents this request',
  '404.4': 'no handler configured',
  '404.5': 'URL sequence denied by request filtering',
  '404.6': 'verb denied by request filtering',
  '404.7': 'file extension denied',
  '404.8': 'hidden namespace',
  '404.9': 'file attribute hidden',
  '404.10': 'request header too long',
  '404.11': 'request URL contains a double escape sequence',
  '404.12': 'request URL contains high-bit characters',
  '404.13': 'content length too large',
  '404.14': 'request URL too long',
  '404.15': 'query string too long',
  '404.16': 'WebDAV request sent to the static file handler',
  '404.17': 'dynamic content mapped to the static file handler',
  '404.18': 'query string sequence denied',
  '404.19': 'denied by a request filtering rule',
  '404.20': 'too many URL segments',
  '500.11': 'application is shutting down',
  '500.12': 'application is busy restarting',
  '500.13': 'web server is too busy',
  '500.19': 'configuration data is invalid',
  '500.21': 'module not recognized',
  '502.2': 'bad gateway: the CGI application exited early',
  '503.2': 'concurrent request limit exceeded',
  '503.3': 'ASP.NET queue full',
  '503.4': 'FastCGI queue full',
};

/**
 * The sc-win32-status values IIS logs most, named as the reference tables (../shared/reference, through
 * core/decode) name them; test/unit/parse.windows.test.ts checks each against lookupWin32 / lookupCode. A table
 * here rather than the decoder: the parser runs in every worker thread, and the full tables are megabytes (they
 * made the worker bundle 18 times larger). Other values are shown as the number alone
 * (`cmlogs lookup` decodes any).
 */
export const IIS_WIN32_NAMES: Record<string, string> = {
  '2': 'ERROR_FILE_NOT_FOUND',
  '3': 'ERROR_PATH_NOT_FOUND',
  '5': 'ERROR_ACCESS_DENIED',
  '6': 'ERROR_INVALID_HANDLE',
  '13': 'ERROR_INVALID_DATA',
  '50': 'ERROR_NOT_SUPPORTED',
  '64': 'ERROR_NETNAME_DELETED',
  '87': 'ERROR_INVALID_PARAMETER',
  '121': 'ERROR_SEM_TIMEOUT',
  '258': 'WAIT_TIMEOUT',
  '995': 'ERROR_OPERATION_ABORTED',
  '1229': 'ERROR_CONNECTION_INVALID',
  '1236': 'ERROR_CONNECTION_ABORTED',
  '1326': 'ERROR_LOGON_FAILURE',
  '1450': 'ERROR_NO_SYSTEM_RESOURCES',
  '1726': 'RPC_S_CALL_FAILED',
  '10053': 'WSAECONNABORTED',
  '10054': 'WSAECONNRESET',
  '10060': 'WSAETIMEDOUT',
  // NTLM / Kerberos handshakes of 401s log SSPI status codes, as unsigned decimals.
  '2148074242': 'SEC_E_UNSUPPORTED_FUNCTION',
  '2148074252': 'SEC_E_LOGON_DENIED',
  '2148074254': 'SEC_E_NO_CREDENTIALS',
};

/** What IIS's substatus adds to a status ("404.3": "MIME map policy prevents this request"), if known. */
export function iisSubstatusMeaning(status: string, substatus: string | null): string | undefined {
  return substatus ? SUBSTATUS[`${status}.${substatus}`] : undefined;
}

/** The W3C field names a record's line is written in: those of the #Fields directive above it, else IIS's default. */
export function iisFieldNames(fieldsDirective: string | null): string[] {
  const names = fieldsDirective?.startsWith('#Fields:')
    ? fieldsDirective.slice(8).trim().split(/\s+/).filter(Boolean)
    : [];
  return names.length ? names : DEFAULT_FIELDS;
}

/** The W3C column under `character` of a data line, with its value and where it starts. */
export function iisColumnAt(
  fieldNames: readonly string[],
  lineText: string,
  character: number,
): { name: string; value: string; start: number } | null {
  let start = 0;
  for (let i = 0; start <= lineText.length; i++) {
    const space = lineText.indexOf(' ', start);
    const end = space < 0 ? lineText.length : space;
    if (character >= start && character <= end)
      return i < fieldNames.length ? { name: fieldNames[i], value: lineText.slice(start, end), start } : null;
    if (space < 0) return null;
    start = space + 1;
  }
  return null;
}

/** "404.0 Not Found; win32 2 ERROR_FILE_NOT_FOUND" ("" when the line has no status). */
export function describeStatus(status: string | null, substatus: string | null, win32: string | null): string {
  if (status === null || status === '-') return '';
  const code = substatus && substatus !== '-' ? `${status}.${substatus}` : status;
  const parts = [`${code} ${[REASONS[status], SUBSTATUS[code]].filter(Boolean).join(': ') || 'HTTP status'}`];
  if (win32 && win32 !== '-' && win32 !== '0') parts.push(`win32 ${win32} ${IIS_WIN32_NAMES[win32] ?? ''}`.trimEnd());
  return parts.join('; ');
}

export const iis: LogFormat<'iis', IisState> = {
  id: 'iis',
  name: 'IIS W3C extended log',
  shape: 'first-line',
  detect: looksLikeIis,
  // A data line means nothing without the #Fields above it.
  ownFilesOnly: true,
  newState: () => ({ fields: DEFAULT_FIELDS, date: null }),
  copyState: (state) => ({ ...state }),
  parseStart: iisFields,
  continues: () => false,
  columns: ['time', 'time'],
};
