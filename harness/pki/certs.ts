import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { KeyPair } from './keys';

/** Subject alternative names as keytool's -ext SAN=dns:..,ip:.. takes them. */
export interface San {
  dns?: string[];
  ip?: string[];
}

export interface CertSpec {
  cn: string;
  /** Extra distinguished-name parts; Flink's docs use CN only. */
  ou?: string;
  san?: San;
  days?: number;
  /** bc=ca:true, as the docs' CA step. */
  isCa?: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

function serial(): string {
  // Positive 16-byte serial (top bit clear), as X.509 requires.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

export function subjectAttrs(spec: CertSpec): forge.pki.CertificateField[] {
  const attrs: forge.pki.CertificateField[] = [{ shortName: 'CN', value: spec.cn }];
  if (spec.ou) attrs.push({ shortName: 'OU', value: spec.ou });
  return attrs;
}

export function sanExtension(san: San): { name: string; altNames: unknown[] } {
  const altNames: unknown[] = [];
  for (const d of san.dns ?? []) altNames.push({ type: 2, value: d });
  for (const ip of san.ip ?? []) {
    if (!isIP(ip)) throw new Error(`SAN ip entry is not an IP address: ${ip}`);
    altNames.push({ type: 7, ip });
  }
  return { name: 'subjectAltName', altNames };
}

function extensions(spec: CertSpec, subjectKey: forge.pki.rsa.PublicKey, issuer?: forge.pki.Certificate) {
  const ext: unknown[] = [];
  if (spec.isCa) {
    ext.push({ name: 'basicConstraints', cA: true, critical: true });
    ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    ext.push({ name: 'basicConstraints', cA: false });
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
    // Both: Flink's internal certificate is presented by servers and by clients (mutual auth).
    ext.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
  }
  if (spec.san && ((spec.san.dns?.length ?? 0) > 0 || (spec.san.ip?.length ?? 0) > 0)) {
    ext.push(sanExtension(spec.san));
  }
  ext.push({ name: 'subjectKeyIdentifier' });
  if (issuer) {
    const ski = issuer.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
    if (ski?.subjectKeyIdentifier) ext.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ski.subjectKeyIdentifier) });
  }
  void subjectKey;
  return ext;
}

/** keytool -genkeypair: a self-signed certificate for the key pair (a CA when spec.isCa). */
export function selfSignedCert(keys: KeyPair, spec: CertSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + (spec.days ?? 365) * DAY_MS);
  cert.setSubject(subjectAttrs(spec));
  cert.setIssuer(subjectAttrs(spec));
  cert.setExtensions(extensions(spec, keys.publicKey));
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return cert;
}

/** keytool -certreq: a PKCS#10 request carrying the SANs as a requested extension. */
export function createCsr(keys: KeyPair, spec: CertSpec): forge.pki.CertificateSigningRequest {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject(subjectAttrs(spec));
  if (spec.san) {
    csr.setAttributes([{ name: 'extensionRequest', extensions: [sanExtension(spec.san)] }]);
  }
  csr.sign(keys.privateKey, forge.md.sha256.create());
  return csr;
}

/** keytool -gencert: the CA signs a CSR; SANs come from the CSR unless spec overrides them. */
export function signCsr(
  csr: forge.pki.CertificateSigningRequest,
  ca: { cert: forge.pki.Certificate; keys: KeyPair },
  opts: { days?: number; san?: San } = {},
): forge.pki.Certificate {
  if (!csr.verify()) throw new Error('CSR signature does not verify');
  const cn = String(csr.subject.getField('CN')?.value ?? '');
  let san = opts.san;
  if (!san) {
    const req = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: Array<{ name: string; altNames?: Array<{ type: number; value?: string; ip?: string }> }> } | null)?.extensions;
    const alt = req?.find((e) => e.name === 'subjectAltName')?.altNames ?? [];
    san = {
      dns: alt.filter((a) => a.type === 2).map((a) => a.value as string),
      ip: alt.filter((a) => a.type === 7).map((a) => a.ip as string),
    };
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey as forge.pki.rsa.PublicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + (opts.days ?? 365) * DAY_MS);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions(extensions({ cn, san }, cert.publicKey as forge.pki.rsa.PublicKey, ca.cert));
  cert.sign(ca.keys.privateKey, forge.md.sha256.create());
  return cert;
}
