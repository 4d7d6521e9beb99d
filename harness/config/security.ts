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
