// Answers a custom request of the protocol with its own params and result types: the handler is checked against
// the request's descriptor, so the server cannot answer a shape the client does not expect.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { Request } from './protocol';

export type Handler<Params, Result> = (params: Params, token: CancellationToken) => Result | Promise<Result>;

export function answer<Params, Result>(
  connection: Connection,
  request: Request<Params, Result>,
  handler: Handler<Params, Result>,
): void {
  // The handler's types were checked above; the connection's own generic signature cannot follow them.
  const untyped = async (params: Params, token: CancellationToken): Promise<unknown> => handler(params, token);
  connection.onRequest(request.method, untyped);
}
