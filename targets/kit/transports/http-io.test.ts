// The last-resort guard: whatever a request handler throws or rejects with is that request's 500 in
// the documented shape, and the listener goes on serving.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guarded, sendJson } from './http-io.js';

describe('guarded request handlers', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer(guarded('test', async (req, res) => {
      if (req.url === '/throw') throw new Error('sync-looking throw in an async handler');
      if (req.url === '/reject') return Promise.reject(new TypeError('rejected'));
      if (req.url === '/late') { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"par'); throw new Error('after the answer began'); }
      sendJson(res, 200, '{"ok":true}');
    }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));

  it('answers 500 INTERNAL in the error shape and keeps serving', async () => {
    for (const path of ['/throw', '/reject']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(500);
      expect((await res.json()).error).toEqual({ code: 'INTERNAL', reason: 'INTERNAL', message: 'test: unexpected error (logged)' });
    }
    await expect(fetch(base + '/late').then((r) => r.text())).rejects.toThrow();
    expect(await (await fetch(`${base}/fine`)).json()).toEqual({ ok: true });
  });
});
