import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** An RSA key pair as node-forge objects. keytool -genkeypair's job. */
export interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

/** Generates with Node's native crypto (node-forge's pure-JS RSA-4096 takes tens of seconds). */
export function generateRsaKeyPair(bits = 4096): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}
