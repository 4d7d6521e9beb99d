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
export function preflightStores(conf: FlinkConfig, files: FileSpec[], where = 'the container'): void {
  const protocol = conf['security.ssl.protocol'];
  if (protocol !== undefined && !/^TLSv1(\.[123])?$/.test(String(protocol))) {
    throw new UserError(
      `security.ssl.protocol: "${protocol}"${String(protocol).includes(',') ? ' is a list' : ' is not a TLS version'}; Flink takes exactly one (TLSv1.2 or TLSv1.3): a list breaks Pekko's configuration, "TLS" the blob server`,
      EXIT.badInput,
    );
  }
  for (const key of ['security.ssl.internal.cert.fingerprint', 'security.ssl.rest.cert.fingerprint']) {
    const problem = conf[key] === undefined ? undefined : fingerprintProblem(String(conf[key]));
    if (problem) throw new UserError(`${key}: ${problem}`, EXIT.badInput);
  }
  // Kerberos files Flink reads (native Kubernetes mode: ships) from the configured paths.
  for (const key of ['security.kerberos.login.keytab', 'security.kerberos.krb5-conf.path']) {
    const path = conf[key];
    if (path !== undefined && !files.some((f) => f.target === path)) throw new UserError(`${key} names ${path}, which does not exist in ${where}`, EXIT.badInput);
  }
  for (const key of STORES) {
    const path = conf[key];
    if (path === undefined) continue;
    const file = files.find((f) => f.target === path);
    if (!file) throw new UserError(`${key} names ${path}, which does not exist in ${where}`, EXIT.badInput);
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
