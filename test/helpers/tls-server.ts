import tls from 'node:tls';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import { Identity } from '../../harness/pki';

/** A local node:tls server standing in for a TLS endpoint in unit tests of the probe logic. */
export async function startTlsServer(opts: {
  server: Identity;
  trust?: Identity[];
  requestCert: boolean;
  rejectUnauthorized: boolean;
  maxVersion?: tls.SecureVersion;
  minVersion?: tls.SecureVersion;
}): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = tls.createServer(
    {
      key: opts.server.keyPem(),
      cert: opts.server.certPem(),
      ca: opts.trust?.map((t) => t.certPem()),
      requestCert: opts.requestCert,
      rejectUnauthorized: opts.rejectUnauthorized,
      maxVersion: opts.maxVersion,
      minVersion: opts.minVersion,
    },
    (s) => {
      s.on('error', () => undefined);
      s.on('data', () => undefined);
    },
  );
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

/** A plaintext TCP server that answers like a tiny HTTP server. */
export async function startPlainServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end('HTTP/1.0 200 OK\r\n\r\nhello'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}
