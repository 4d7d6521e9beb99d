/**
 * TLS 1.2 cipher suites the probe offers one at a time: OpenSSL name (what Node's `ciphers`
 * takes) and IANA/JSSE name (what security.ssl.algorithms takes). `weak`: no forward secrecy,
 * CBC mode, 3DES, RC4 or no encryption (RFC 7525 recommends only AEAD suites with ECDHE/DHE).
 */
export const TLS12_SUITES: Array<{ openssl: string; iana: string; weak: boolean }> = [
  ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false],
  ['ECDHE-RSA-AES256-GCM-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', false],
  ['DHE-RSA-AES128-GCM-SHA256', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', false],
  ['DHE-RSA-AES256-GCM-SHA384', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false],
  ['ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false],
  ['DHE-RSA-CHACHA20-POLY1305', 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false],
  ['ECDHE-RSA-AES128-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', true],
  ['ECDHE-RSA-AES256-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', true],
  ['ECDHE-RSA-AES128-SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', true],
  ['ECDHE-RSA-AES256-SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', true],
  ['DHE-RSA-AES128-SHA256', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', true],
  ['DHE-RSA-AES256-SHA256', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', true],
  ['DHE-RSA-AES128-SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', true],
  ['DHE-RSA-AES256-SHA', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', true],
  ['AES128-GCM-SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256', true],
  ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384', true],
  ['AES128-SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA256', true],
  ['AES256-SHA256', 'TLS_RSA_WITH_AES_256_CBC_SHA256', true],
  ['AES128-SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', true],
  ['AES256-SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', true],
  ['ECDHE-RSA-DES-CBC3-SHA', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', true],
  ['DES-CBC3-SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', true],
  ['ECDHE-RSA-NULL-SHA', 'TLS_ECDHE_RSA_WITH_NULL_SHA', true],
  ['NULL-SHA256', 'TLS_RSA_WITH_NULL_SHA256', true],
  ['NULL-SHA', 'TLS_RSA_WITH_NULL_SHA', true],
  ['RC4-SHA', 'TLS_RSA_WITH_RC4_128_SHA', true],
].map(([openssl, iana, weak]) => ({ openssl: openssl as string, iana: iana as string, weak: weak as boolean }));

/** TLS 1.3 suites have one name everywhere. */
export const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

export const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
