// Sends a custom request of the protocol: params and result are the request's own types (server/src/protocol.ts).
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Request } from '../../server/src/protocol';

/** What sending needs: a LanguageClient, or a test's stand-in for one. */
export type RequestSender = Pick<LanguageClient, 'sendRequest'>;

export function ask<Params, Result>(
  client: RequestSender,
  request: Request<Params, Result>,
  params: Params,
): Promise<Result> {
  return client.sendRequest(request.method, params) as Promise<Result>;
}
