/** Small HTTP pieces for the dashboard: JSON replies, errors with a code, request bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, WawebError, errorMessage } from '../errors';

/** A request the dashboard refuses: an HTTP status and a code for the JSON body. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const BODY_LIMIT = 16 * 1024;

/** Headers on every answer: nothing cached, sniffed, framed or sent on as a referrer. */
export function baseHeaders(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INVALID_OPTION]: 400,
  [ErrorCode.INVALID_SESSION_ID]: 400,
  [ErrorCode.NOT_READY]: 409,
  [ErrorCode.CLOSED]: 409,
  [ErrorCode.LEASE_LOST]: 409,
  [ErrorCode.FENCED]: 409,
  [ErrorCode.NOT_OWNER]: 409,
  [ErrorCode.SESSION_EXISTS]: 409,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.ABORTED]: 503,
};

/** `{ error, code }` with a status that fits: the refusal's own, a WawebError's by its code, else 500. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof RequestError) sendJson(res, err.status, { error: err.message, code: err.code });
  else if (err instanceof WawebError) sendJson(res, STATUS_OF[err.code] ?? 500, { error: err.message, code: err.code });
  else sendJson(res, 500, { error: errorMessage(err), code: 'INTERNAL' });
}

/** The request's JSON body (an object; `{}` when empty); 400 when it is not JSON, 413 past 16 KiB. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new RequestError(413, 'BODY_TOO_LARGE', `the request body is over ${BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, 'BAD_REQUEST', 'the request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, 'BAD_REQUEST', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
