import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Identity, openP12 } from '../../harness/pki';

const dir = mkdtempSync(join(tmpdir(), 'fss-pki-'));
const PW = 'demo-pass';
const write = (name: string, data: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, data, { mode: 0o600 });
  return p;
};
const keytoolList = (path: string, pw = PW) =>
  execFileSync('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', path, '-storepass', pw], { encoding: 'utf8' });

// The docs' own key size, once, for the self-signed case; smaller keys elsewhere for speed.
const self = Identity.selfSigned('flink.internal', { cn: 'flink.internal', san: { dns: ['jobmanager', 'jobmanager.sandbox'], ip: ['172.28.0.10'] } }, 4096);
const ca = Identity.selfSigned('ca', { cn: 'Sandbox CA', isCa: true }, 2048);
const leaf = Identity.signedBy(ca, 'rest', { cn: 'rest.sandbox', san: { dns: ['jobmanager'], ip: ['172.28.0.10'] } }, 2048);

test('self-signed key pair: RSA 4096, CN and SANs, readable by keytool as a PrivateKeyEntry', () => {
  const x = new X509Certificate(self.certPem());
  expect(x.subject).toBe('CN=flink.internal');
  expect(x.subjectAltName).toBe('DNS:jobmanager, DNS:jobmanager.sandbox, IP Address:172.28.0.10');
  expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
  const out = keytoolList(write('internal.keystore', self.keystore(PW)));
  expect(out).toContain('Your keystore contains 1 entry');
  expect(out).toContain('Entry type: PrivateKeyEntry');
  expect(out).toContain('Alias name: flink.internal');
  // keytool prints the same fingerprint we compute (Flink pins SHA-1).
  expect(out).toContain(`SHA256: ${self.sha256()}`);
  expect(self.sha1()).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  expect(self.sha1()).toBe(x.fingerprint);
});

test('truststore holds a trusted certificate entry and no private key', () => {
  const path = write('internal.truststore', self.truststore(PW));
  const out = keytoolList(path);
  expect(out).toContain('Entry type: trustedCertEntry');
  expect(out).not.toContain('PrivateKeyEntry');
  const info = execFileSync('openssl', ['pkcs12', '-in', path, '-passin', `pass:${PW}`, '-nodes', '-info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(info).toContain('BEGIN CERTIFICATE');
  expect(info).not.toContain('PRIVATE KEY');
});

test('CA-signed leaf: CSR carries the SANs, the keystore chain is leaf then CA, openssl verifies it', () => {
  const x = new X509Certificate(leaf.certPem());
  expect(x.issuer).toBe('CN=Sandbox CA');
  expect(x.subjectAltName).toBe('DNS:jobmanager, IP Address:172.28.0.10');
  expect(x.checkIssued(new X509Certificate(ca.certPem()))).toBe(true);
  expect(new X509Certificate(ca.certPem()).ca).toBe(true);
  const out = keytoolList(write('rest.keystore', leaf.keystore(PW)));
  expect(out).toContain('Certificate chain length: 2');
  const caPath = write('ca.pem', ca.certPem());
  const leafPath = write('leaf.pem', leaf.certPem());
  expect(execFileSync('openssl', ['verify', '-CAfile', caPath, leafPath], { encoding: 'utf8' })).toContain('OK');
});

test('openssl pkcs12 -nodes (the docs\' rest.pem step) reads our keystore without the legacy provider', () => {
  const path = write('rest2.keystore', leaf.keystore(PW));
  const pem = execFileSync('openssl', ['pkcs12', '-in', path, '-passin', `pass:${PW}`, '-nodes'], { encoding: 'utf8' });
  expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  expect(pem).toContain('BEGIN PRIVATE KEY');
});

test('a wrong password does not open a store, and says so plainly', () => {
  const ks = self.keystore(PW);
  expect(openP12(ks, PW).keys).toHaveLength(1);
  expect(() => openP12(ks, 'not-the-password')).toThrow('the password does not open it');
  expect(() => keytoolList(write('x.keystore', ks), 'not-the-password')).toThrow();
  expect(() => openP12(Buffer.from('garbage'), PW)).toThrow(/not a readable PKCS12 store/);
});

test('the docs\' CA-signed REST keystore: key entry with chain leaf→CA plus the CA as a trusted entry', () => {
  const out = keytoolList(write('rest.signed.keystore', leaf.keystore(PW, [ca])));
  expect(out).toContain('Your keystore contains 2 entries');
  expect(out).toMatch(/Alias name: rest\n[\s\S]*Entry type: PrivateKeyEntry\nCertificate chain length: 2/);
  expect(out).toMatch(/Alias name: ca\n[\s\S]*Entry type: trustedCertEntry/);
  const opened = openP12(leaf.keystore(PW, [ca]), PW);
  expect(opened.keys).toHaveLength(1);
});
