import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { decodeWire, encodeWire } from '../../shared/ipc/wire';
import { dispatch, type Handlers } from '../services/handlers';

export interface HarnessOptions {
  handlers: Handlers;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
}

export interface Harness {
  /** Open this in a browser: the token travels in the fragment, never in a request line. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Serves the renderer and answers the IPC contract over HTTP from the same handlers Electron uses.
 * Binds to loopback only; every API call must carry the per-start token, and requests whose Host is
 * not this loopback address are refused (a guard against DNS rebinding).
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const root = resolve(options.rendererDir);
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      send(
        res,
        500,
        'text/plain; charset=utf-8',
        `internal error: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      send(res, 421, 'text/plain; charset=utf-8', 'wrong host');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
      return;
    }
    await serveStatic(res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const given = Buffer.from(String(req.headers['x-dvt-token'] ?? ''));
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) {
      send(
        res,
        401,
        'application/json',
        JSON.stringify({ ok: false, error: { code: 'invalid-input', message: 'missing or wrong token' } }),
      );
      return;
    }
    const match = /^\/api\/invoke\/([a-z]+:[a-zA-Z-]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      send(
        res,
        404,
        'application/json',
        JSON.stringify({ ok: false, error: { code: 'not-found', message: 'no such endpoint' } }),
      );
      return;
    }
    let input: unknown;
    try {
      input = decodeWire(await readBody(req));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      send(
        res,
        400,
        'application/json',
        JSON.stringify({ ok: false, error: { code: 'invalid-input', message } }),
      );
      return;
    }
    const result = await dispatch(options.handlers, match[1], input);
    send(res, 200, 'application/json', encodeWire(result));
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      send(res, 404, 'text/plain; charset=utf-8', 'not found');
      return;
    }
    send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
