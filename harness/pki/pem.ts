import forge from 'node-forge';

/** What `openssl pkcs12 -nodes` gives curl: PEM certificate(s), and the key when asked. */
export function certPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert);
}

export function keyPem(key: forge.pki.rsa.PrivateKey): string {
  // PKCS#8, the form OpenSSL 3 and Node write.
  return forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
}
