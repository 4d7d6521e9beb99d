export * from './certs';
export * from './fingerprint';
export * from './identity';
export * from './keys';
export * from './pem';
export * from './pkcs12';
export * from './load';
