import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { EXIT, UserError } from '../errors';
import { Identity } from './identity';
import { openP12 } from './pkcs12';

/**
 * Loads a user's PKCS12 keystore the way Flink will use it, failing early with the file and the
 * Flink setting named: missing file, wrong password, not exactly one private key.
 */
export function loadKeystoreIdentity(path: string, password: string | undefined, setting: string): Identity {
  let der: Buffer;
  try {
    der = readFileSync(path);
  } catch (e) {
    throw new UserError(`--keystore ${path}: cannot read it (${(e as NodeJS.ErrnoException).code}); it would be ${setting}`, EXIT.badInput);
  }
  if (password === undefined) throw new UserError(`--keystore ${path} needs --store-password (${setting}-password)`, EXIT.badInput);
  let store;
  try {
    store = openP12(der, password);
  } catch (e) {
    throw new UserError(`--keystore ${path}: ${(e as Error).message} with the --store-password given (${setting}-password)`, EXIT.badInput);
  }
  if (store.keys.length !== 1) {
    throw new UserError(`--keystore ${path} holds ${store.keys.length} private keys; Flink's ${setting} needs exactly one`, EXIT.badInput);
  }
  const key = store.keys[0] as forge.pki.rsa.PrivateKey;
  const leaf = store.certs.find((c) => (c.publicKey as forge.pki.rsa.PublicKey).n?.equals(key.n));
  if (!leaf) throw new UserError(`--keystore ${path}: no certificate matches its private key`, EXIT.badInput);
  const rest = store.certs.filter((c) => c !== leaf);
  return new Identity('user', { privateKey: key, publicKey: leaf.publicKey as forge.pki.rsa.PublicKey }, [leaf, ...rest]);
}
