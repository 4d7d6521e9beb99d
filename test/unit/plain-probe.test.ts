import net from 'node:net';
import { probePlain } from '../../harness/probes/plain';

// Loopback servers of the test's own: one that accepts and stays silent, one that answers.
describe('the plaintext probe', () => {
  const servers: net.Server[] = [];
  const listen = (onConn: (s: net.Socket) => void) =>
    new Promise<number>((resolve) => {
      const srv = net.createServer(onConn).listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
      servers.push(srv);
    });
  afterAll(() => servers.forEach((s) => s.close()));

  test('connected and silent: waits the answer timeout after connecting, reports no error', async () => {
    const port = await listen(() => undefined);
    const r = await probePlain({ kind: 'plain', host: '127.0.0.1', port, timeoutMs: 300 });
    expect({ connected: r.connected, bytes: r.bytes, error: r.error }).toEqual({ connected: true, bytes: 0, error: undefined });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(290);
  });

  test('an answer is read; a closed port is refused with its code', async () => {
    const port = await listen((s) => s.end('HTTP/1.1 302 Found\r\nLocation: https://x/\r\n\r\n'));
    const r = await probePlain({ kind: 'plain', host: '127.0.0.1', port });
    expect({ connected: r.connected, status: r.httpStatusLine, location: r.location }).toEqual({ connected: true, status: 'HTTP/1.1 302 Found', location: 'https://x/' });
    const closed = await listen(() => undefined);
    servers.pop()?.close();
    await new Promise((res) => setTimeout(res, 50));
    const refused = await probePlain({ kind: 'plain', host: '127.0.0.1', port: closed });
    expect(refused.connected).toBe(false);
    expect(refused.error).toMatch(/^ECONNREFUSED/);
  });
});
