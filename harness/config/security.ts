import { FlinkConfig } from './flink-config';
import { FlinkVersion } from './version';

/**
 * Suites set explicitly in every scenario: the code default of security.ssl.algorithms in
 * 1.17-2.1 is TLS_RSA_WITH_AES_128_CBC_SHA, which recent JDK updates disable.
 */
export const DEFAULT_SSL_ALGORITHMS = [
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
];

export interface StoreRef {
  path: string;
  password: string;
}

/** The docs' "Internal Connections" block: one keystore, one truststore, all channels. */
export function internalSsl(opts: { keystore: StoreRef; truststore: StoreRef; algorithms?: string[]; protocol?: string }): FlinkConfig {
  return {
    'security.ssl.internal.enabled': true,
    'security.ssl.internal.keystore': opts.keystore.path,
    'security.ssl.internal.keystore-password': opts.keystore.password,
    // PKCS12 needs key password = store password.
    'security.ssl.internal.key-password': opts.keystore.password,
    'security.ssl.internal.truststore': opts.truststore.path,
    'security.ssl.internal.truststore-password': opts.truststore.password,
    'security.ssl.algorithms': (opts.algorithms ?? DEFAULT_SSL_ALGORITHMS).join(','),
    'security.ssl.protocol': opts.protocol ?? 'TLSv1.2',
  };
}

/** The per-channel switches under security.ssl.internal.enabled (all default true). */
export function channelSwitches(version: FlinkVersion) {
  return {
    rpc: `${version.rpcPrefix}.ssl.enabled`,
    blob: 'blob.service.ssl.enabled',
    data: 'taskmanager.data.ssl.enabled',
  } as const;
}

/** The docs' "External Connections (REST Endpoints)" block. */
export function restSsl(opts: { keystore?: StoreRef; truststore?: StoreRef; authentication?: boolean; algorithms?: string[]; protocol?: string }): FlinkConfig {
  const conf: FlinkConfig = {
    'security.ssl.rest.enabled': true,
    'security.ssl.algorithms': (opts.algorithms ?? DEFAULT_SSL_ALGORITHMS).join(','),
    'security.ssl.protocol': opts.protocol ?? 'TLSv1.2',
  };
  if (opts.keystore) {
    conf['security.ssl.rest.keystore'] = opts.keystore.path;
    conf['security.ssl.rest.keystore-password'] = opts.keystore.password;
    conf['security.ssl.rest.key-password'] = opts.keystore.password;
  }
  if (opts.truststore) {
    conf['security.ssl.rest.truststore'] = opts.truststore.path;
    conf['security.ssl.rest.truststore-password'] = opts.truststore.password;
  }
  if (opts.authentication !== undefined) conf['security.ssl.rest.authentication-enabled'] = opts.authentication;
  return conf;
}
