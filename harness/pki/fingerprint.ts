import { createHash } from 'node:crypto';
import forge from 'node-forge';

export function certDer(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

/** Colon-separated upper-case hex, the form keytool -list prints and Flink's docs show. */
export function fingerprint(cert: forge.pki.Certificate, alg: 'sha1' | 'sha256'): string {
  return createHash(alg).update(certDer(cert)).digest('hex').toUpperCase().match(/../g)!.join(':');
}
