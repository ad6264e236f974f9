import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { createHandlers } from '../../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import { decodeWire, encodeWire } from '../../src/shared/ipc/wire';

let ws: Workspace;
let harness: Harness;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dvt-harness-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  ws = openWorkspace(join(dir, 'ws'));
  harness = await startHarness({ handlers: createHandlers(ws), rendererDir: renderer });
  base = `http://127.0.0.1:${harness.port}`;
});

afterAll(async () => {
  await harness.close();
  await ws.close();
});

const invoke = (channel: string, input: unknown, token: string | null = harness.token) =>
  fetch(`${base}/api/invoke/${channel}`, {
    method: 'POST',
    headers: token === null ? {} : { 'x-dvt-token': token },
    body: encodeWire(input),
  });

describe('browser harness', () => {
  it('prints a loopback URL carrying the token in the fragment', () => {
    expect(harness.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
  });

  it('answers the contract with the token', async () => {
    const res = await invoke('workspace:info', {});
    expect(res.status).toBe(200);
    const body = decodeWire(await res.text()) as { ok: boolean; value: { counts: { series: number } } };
    expect(body.ok).toBe(true);
    expect(body.value.counts.series).toBe(0);
  });

  it('refuses calls without the token or with a wrong one', async () => {
    expect((await invoke('workspace:info', {}, null)).status).toBe(401);
    expect((await invoke('workspace:info', {}, 'x'.repeat(32))).status).toBe(401);
  });

  it('validates input and answers errors as results', async () => {
    const res = await invoke('series:slice', { seriesUid: 'not a uid', index: -1 });
    const body = decodeWire(await res.text()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid-input');
    expect(body.error.message).toMatch(/seriesUid/);
    expect(body.error.message).toMatch(/index/);
  });

  it('answers an unknown series as not found', async () => {
    const body = decodeWire(await (await invoke('series:detail', { seriesUid: '1.2.3' })).text()) as {
      error: { code: string };
    };
    expect(body.error.code).toBe('not-found');
  });

  it('refuses a request addressed to another host name', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: harness.port, path: '/', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('serves the renderer with a CSP and never a file outside it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(403);
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
  });
});
