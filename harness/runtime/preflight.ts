import { fingerprintProblem } from '../config/fingerprint';
import { FlinkConfig } from '../config/flink-config';
import { EXIT, UserError } from '../errors';
import { openP12 } from '../pki';
import { FileSpec } from './sandbox';

const STORES = ['security.ssl.internal.keystore', 'security.ssl.internal.truststore', 'security.ssl.rest.keystore', 'security.ssl.rest.truststore'];

/**
 * Every keystore and truststore the configuration names must be among the files given to the
 * container and open with the configured password, or the run stops here with the setting and
 * the file named, instead of waiting for a JobManager that will never start.
 */
export function preflightStores(conf: FlinkConfig, files: FileSpec[]): void {
  for (const key of ['security.ssl.internal.cert.fingerprint', 'security.ssl.rest.cert.fingerprint']) {
    const problem = conf[key] === undefined ? undefined : fingerprintProblem(String(conf[key]));
    if (problem) throw new UserError(`${key}: ${problem}`, EXIT.badInput);
  }
  for (const key of STORES) {
    const path = conf[key];
    if (path === undefined) continue;
    const file = files.find((f) => f.target === path);
    if (!file) throw new UserError(`${key} names ${path}, which does not exist in the container`, EXIT.badInput);
    const password = String(conf[`${key}-password`] ?? '');
    try {
      openP12(Buffer.from(file.content), password);
    } catch (e) {
      throw new UserError(`${key}-password: ${(e as Error).message.replace('the password does not open it', `does not open ${path}`)}`, EXIT.badInput);
    }
    if (key.endsWith('keystore')) {
      const keyPassword = conf[key.replace(/keystore$/, 'key-password')];
      if (keyPassword !== undefined && String(keyPassword) !== password) {
        throw new UserError(`${key.replace(/keystore$/, 'key-password')} differs from ${key}-password: Flink needs them equal for PKCS12 (${path})`, EXIT.badInput);
      }
    }
  }
}
