import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeHttpHit } from './fakeScript';

/** A request as the fake's route handler sees it: method, path (no query), headers, the raw body text. */
export interface IncomingCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A listening plain-HTTP server on 127.0.0.1 with an ephemeral port. */
export interface FakeHttpServer {
  url: string;
  httpLog: FakeHttpHit[];
  close(): Promise<void>;
}

/**
 * Starts a `node:http` server on 127.0.0.1:0 that reads each body whole and hands it to `handle`.
 * A handler that neither writes nor ends leaves the call hanging until the client gives up or `close()`
 * destroys the socket. A handler that throws answers 500 with the message (a fake bug, not an API reply).
 */
export async function startFakeHttp(
  handle: (call: IncomingCall, res: http.ServerResponse) => Promise<void>,
  port = 0,
): Promise<FakeHttpServer> {
  const httpLog: FakeHttpHit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      const hit: FakeHttpHit = { method, path };
      httpLog.push(hit);
      res.on('finish', () => void (hit.status = res.statusCode));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      handle({ method, path, headers, body: Buffer.concat(chunks).toString('utf8') }, res).catch((e: unknown) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake server bug: ${String(e)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  // `address()` is an AddressInfo (not a string) for a TCP listener.
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    httpLog,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a whole JSON response. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Parses a JSON body into a plain object, or undefined when it is not one. */
export function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** True for a non-null, non-array object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits `text` into pieces of at most `size` characters (at least one piece, possibly empty). */
export function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

/** Lets the event loop run, so a streamed reply reaches the client in several network writes. */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Waits between two streamed pieces: `paceMs` when given (a model generating at that speed), else one turn of the
 * event loop. Resolves false when the client has gone (cancelled, timed out): the stream should stop there.
 */
export async function streamPause(res: http.ServerResponse, paceMs: number | undefined): Promise<boolean> {
  if (paceMs === undefined) await tick();
  else await new Promise((r) => setTimeout(r, paceMs));
  return !res.destroyed && !res.writableEnded;
}
