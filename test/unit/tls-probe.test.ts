import { Identity } from '../../harness/pki';
import { probePlain } from '../../harness/probes/plain';
import { probeTls } from '../../harness/probes/tls';
import { startPlainServer, startTlsServer } from '../helpers/tls-server';

// 2048-bit keys keep the unit tests quick; scenarios use 4096 as the docs do.
const server = Identity.selfSigned('server', { cn: 'server.test', san: { dns: ['server.test', 'localhost'], ip: ['127.0.0.1'] } }, 2048);
const foreign = Identity.selfSigned('foreign', { cn: 'foreign' }, 2048);
const asClient = (id: Identity, label: string) => ({ certPem: id.certPem(), keyPem: id.keyPem(), label });

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('TLS probe against a local server speaking %s', (version) => {
  const opts = { minVersion: version, maxVersion: version };

  test('reports protocol, cipher and the peer certificate of a server without client auth', async () => {
    const s = await startTlsServer({ server, requestCert: false, rejectUnauthorized: false, ...opts });
    try {
      const r = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, servername: 'server.test' });
      expect(r.outcome).toBe('established');
      expect(r.protocol).toBe(version);
      expect(r.cipher).toMatch(/^TLS_/);
      expect(r.peer?.subject).toContain('CN=server.test');
      expect(r.peer?.san).toContain('DNS:server.test');
      expect(r.peer?.sha1).toBe(server.sha1());
      expect(r.hostnameError).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  test('a required client certificate: none is refused, a foreign one is refused, the trusted one is accepted', async () => {
    const s = await startTlsServer({ server, trust: [server], requestCert: true, rejectUnauthorized: true, ...opts });
    try {
      const none = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port });
      const wrong = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, client: asClient(foreign, 'foreign') });
      const right = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, client: asClient(server, 'own') });
      expect(none.outcome).toBe('refused');
      expect(none.serverSpokeTls).toBe(true);
      expect(wrong.outcome).toBe('refused');
      expect(right.outcome).toBe('established');
      // Under TLS 1.3 the refusal comes after the client's side of the handshake finished.
      if (version === 'TLSv1.3') expect(none.stage).toBe('post-handshake');
      else expect(none.stage).toBe('handshake');
      expect(none.alert).toBeTruthy();
    } finally {
      await s.close();
    }
  });

  test('an optional client certificate is not reported as required', async () => {
    const s = await startTlsServer({ server, trust: [server], requestCert: true, rejectUnauthorized: false, ...opts });
    try {
      const none = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port });
      expect(none.outcome).toBe('established');
    } finally {
      await s.close();
    }
  });
});

test('a plaintext server is "not-tls" to the TLS probe and answers the plaintext probe', async () => {
  const s = await startPlainServer();
  try {
    const t = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port });
    expect(t.outcome).toBe('not-tls');
    expect(t.serverSpokeTls).toBe(false);
    const p = await probePlain({ kind: 'plain', host: '127.0.0.1', port: s.port });
    expect(p.looksLikeHttp).toBe(true);
  } finally {
    await s.close();
  }
});

test('a TLS server gives a plaintext client nothing readable', async () => {
  const s = await startTlsServer({ server, requestCert: false, rejectUnauthorized: false });
  try {
    const p = await probePlain({ kind: 'plain', host: '127.0.0.1', port: s.port });
    expect(p.connected).toBe(true);
    expect(p.looksLikeHttp).toBe(false);
  } finally {
    await s.close();
  }
});

test('a closed port is unreachable, and a hostname outside the SANs is reported', async () => {
  const r = await probeTls({ kind: 'tls', host: '127.0.0.1', port: 1 });
  expect(r.outcome).toBe('unreachable');
  const s = await startTlsServer({ server, requestCert: false, rejectUnauthorized: false });
  try {
    const r2 = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, servername: 'other.test' });
    expect(r2.outcome).toBe('established');
    expect(r2.hostnameError).toMatch(/other\.test/);
    const r3 = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, caPem: foreign.certPem() });
    expect(r3.authorized).toBe(false);
    const r4 = await probeTls({ kind: 'tls', host: '127.0.0.1', port: s.port, caPem: server.certPem(), servername: 'server.test' });
    expect(r4.authorized).toBe(true);
  } finally {
    await s.close();
  }
});
