// HTTP status codes as ConfigMgr, Intune and .NET write them ("The remote server returned an error:
// (401) Unauthorized.", "HTTP status 404", "StatusCode: 503", "http status code[304]"): the reason
// phrase, and what the status usually means for the component that logged it. Reason phrases are
// those of RFC 9110 (429 from RFC 6585); the meanings are this project's reading of how ConfigMgr
// and Intune clients use HTTP (management point, distribution point, cloud services), not a table.

import type { CodeContext } from './codeContext';

export interface HttpStatus {
  status: number;
  /** RFC reason phrase ("Not Found"). */
  reason: string;
  /** What the status means for the component that logged it. */
  meaning: string;
  /** True for 4xx and 5xx. */
  failure: boolean;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** Older wordings the .NET WebException and IIS still print ("(413) Request Entity Too Large"). */
const OTHER_REASONS: Record<number, string[]> = {
  413: ['Request Entity Too Large'],
  414: ['Request-URI Too Long', 'Request URI Too Long'],
  416: ['Requested Range Not Satisfiable'],
  408: ['Request Time-out'],
  504: ['Gateway Time-out'],
};

const GENERAL: Record<number, string> = {
  200: 'Success.',
  206: 'Success: part of the file was sent (ranged download, as BITS and Delivery Optimization ask).',
  304: "Not an error: the client's copy is current, nothing was sent.",
  400: 'The server rejected the request as malformed (a client or proxy rewriting the request, or a wrong URL).',
  401: 'Authentication failed: the server wants credentials the client did not give or that it refused (the computer account, the Network Access Account, a client certificate, an Azure AD token).',
  403: 'Authorization failed: the caller is known but not allowed (IIS permissions, SSL required or client certificate required on the site, request filtering, an IP restriction).',
  404: 'The URL does not exist on the server.',
  405: 'The server does not allow this method on the URL (often WebDAV not installed or not allowed on the IIS site).',
  407: 'The proxy requires authentication: the client (running as SYSTEM) has no proxy credentials, or the proxy refuses them. Configure proxy authentication or bypass the proxy for the site system.',
  408: 'The server gave up waiting for the request (slow or interrupted network).',
  409: "The request conflicts with the server's state.",
  413: 'The request is larger than the server accepts (IIS request limits).',
  416: 'A ranged download asked for bytes the file does not have (the file changed on the server).',
  429: 'Throttling: the service received too many requests from this client or tenant and asks it to wait (often with a Retry-After header); the client retries later.',
  500: "Server-side failure: the web application failed (see the site system's logs, for example MP_*.log or the IIS logs).",
  501: 'The server does not implement this request.',
  502: 'A proxy or gateway got a bad answer from the server behind it (check the proxy, CMG or load balancer).',
  503: 'Server-side: the service is unavailable (application pool stopped or recycling, the role still installing, or the server overloaded); the client retries later.',
  504: 'A proxy or gateway timed out waiting for the server behind it.',
};

// The site systems' URLs in their IIS logs (the component of an IIS record is its cs-uri-stem): a DP's content
// virtual directories, the MP's, and WSUS's web services on a software update point.
const DP_URL = String.raw`\/(?:NOCERT_|CCMTOKENAUTH_)?SMS_DP_`;
const MP_URL = String.raw`\/SMS_MP\/|\/CCM_(?:System|Incoming|STS|Client)\b`;
const WSUS_URL = String.raw`\/(?:ClientWebService|SimpleAuthWebService|ServerSyncWebService|ReportingWebService|DssAuthWebService|ApiRemoting30)\/`;

/** Component-specific readings (and site system URLs) where the general one would mislead. */
const BY_COMPONENT: Array<{ components: RegExp; status: number; meaning: string }> = [
  {
    components: new RegExp(
      String.raw`DataTransferService|\bDTS\b|ContentTransferManager|\bCAS\b|BITS|CcmSetup|ccmsetup|PeerDP|DistMgr|smsdpmon|PkgXferMgr|${DP_URL}`,
      'i',
    ),
    status: 404,
    meaning:
      'Content missing on the distribution point: the package or content version was not distributed there (or not yet), the content library lacks it, or IIS hides the file (request filtering of the extension, missing MIME type). Check the content status and redistribute.',
  },
  {
    components: new RegExp(
      String.raw`CcmMessaging|LocationServices|ClientLocation|PolicyAgent|CcmNotificationAgent|ClientIDManagerStartup|mtrmgr|${MP_URL}`,
      'i',
    ),
    status: 404,
    meaning:
      'The management point does not serve this path: the MP role is not (or no longer) installed on the server, or the request went to the wrong server or site system (check MP health and mpcontrol.log).',
  },
  {
    components: /IntuneManagementExtension|AgentExecutor|AppWorkload|Win32App/i,
    status: 404,
    meaning:
      'The Intune service or its content delivery network does not have the URL (the app content was replaced or removed, or the content URL expired).',
  },
  {
    components: new RegExp(String.raw`DataTransferService|\bDTS\b|ContentTransferManager|\bCAS\b|BITS|${DP_URL}`, 'i'),
    status: 401,
    meaning:
      "The distribution point refused the client's credentials: the Network Access Account (or the computer account on HTTP) has no access to the content, or the DP requires HTTPS / a client certificate the client did not present.",
  },
  {
    components: new RegExp(
      String.raw`CcmMessaging|LocationServices|ClientLocation|PolicyAgent|ccmsetup|${MP_URL}`,
      'i',
    ),
    status: 403,
    meaning:
      'The management point refused the request: HTTPS or a client certificate is required and the client did not present a valid one, or IIS request filtering blocks it.',
  },
  {
    components: new RegExp(WSUS_URL, 'i'),
    status: 503,
    meaning:
      "WSUS's application pool (WsusPool) is stopped or recycling, most often after reaching its private memory limit under many scanning clients; the clients log 0x80244022 (WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL) and retry. Check the pool in IIS Manager and the WSUS server's event log.",
  },
  {
    components: new RegExp(WSUS_URL, 'i'),
    status: 500,
    meaning:
      "The WSUS web service failed on this request (the clients log 0x8024401F, WU_E_PT_HTTP_STATUS_SERVER_ERROR): see the WSUS server's SoftwareDistribution.log and event log; the WSUS database or the connection to it is the usual cause.",
  },
];

export function httpReason(status: number): string | undefined {
  return REASONS[status];
}

/** The reason phrases a log may print after a status (RFC wording and older .NET/IIS wordings). */
export function httpReasons(status: number): string[] {
  const reason = REASONS[status];
  return reason ? [reason, ...(OTHER_REASONS[status] ?? [])] : [];
}

export function isHttpStatus(status: number): boolean {
  return Object.hasOwn(REASONS, status);
}

/** Reason phrase and meaning for the component that logged the status. */
export function describeHttpStatus(status: number, context?: CodeContext): HttpStatus | undefined {
  const reason = REASONS[status];
  if (!reason) return undefined;
  const where = `${context?.component ?? ''} ${context?.file ?? ''}`;
  const specific = BY_COMPONENT.find((c) => c.status === status && c.components.test(where));
  const meaning =
    specific?.meaning ??
    GENERAL[status] ??
    (status >= 500 ? 'Server-side failure.' : status >= 400 ? 'The server refused the request.' : 'Not an error.');
  return { status, reason, meaning, failure: status >= 400 };
}
