import forge from 'node-forge';
import { CertSpec, createCsr, selfSignedCert, signCsr } from './certs';
import { fingerprint } from './fingerprint';
import { generateRsaKeyPair, KeyPair } from './keys';
import { buildP12, keystoreP12, truststoreP12 } from './pkcs12';
import { certPem, keyPem } from './pem';

/** A key pair with its certificate chain (leaf first): one keystore's worth. */
export class Identity {
  constructor(
    readonly name: string,
    readonly keys: KeyPair,
    readonly chain: forge.pki.Certificate[],
  ) {}

  get cert(): forge.pki.Certificate {
    return this.chain[0];
  }

  /** Self-signed, as the docs' `keytool -genkeypair ... -keyalg RSA -keysize 4096`. */
  static selfSigned(name: string, spec: CertSpec, bits = 4096): Identity {
    const keys = generateRsaKeyPair(bits);
    return new Identity(name, keys, [selfSignedCert(keys, spec)]);
  }

  /** A leaf whose CSR this CA signs; the chain holds leaf then CA, as the docs' keystore does. */
  static signedBy(ca: Identity, name: string, spec: CertSpec, bits = 4096): Identity {
    const keys = generateRsaKeyPair(bits);
    const leaf = signCsr(createCsr(keys, spec), { cert: ca.cert, keys: ca.keys }, { days: spec.days });
    return new Identity(name, keys, [leaf, ...ca.chain]);
  }

  /** `alsoTrusted`: certificate entries beside the key, as keytool -importcert leaves them. */
  keystore(password: string, alsoTrusted: Identity[] = []): Buffer {
    if (!alsoTrusted.length) return keystoreP12(this.keys.privateKey, this.chain, password, this.name);
    return buildP12({ keyEntry: { alias: this.name, key: this.keys.privateKey, chain: this.chain }, trusted: alsoTrusted.map((t) => ({ alias: t.name, cert: t.cert })) }, password);
  }

  /** A truststore holding only this identity's own certificate (no private key). */
  truststore(password: string): Buffer {
    return truststoreP12([{ cert: this.cert, alias: this.name }], password);
  }

  certPem(): string {
    return certPem(this.cert);
  }

  keyPem(): string {
    return keyPem(this.keys.privateKey);
  }

  chainPem(): string {
    return this.chain.map(certPem).join('');
  }

  sha1(): string {
    return fingerprint(this.cert, 'sha1');
  }

  sha256(): string {
    return fingerprint(this.cert, 'sha256');
  }
}
