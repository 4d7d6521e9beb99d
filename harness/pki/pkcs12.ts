import forge from 'node-forge';

const { asn1 } = forge;
const OID = {
  data: '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  localKeyId: '1.2.840.113549.1.9.21',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  // The JDK only treats a certificate without a key as trusted when it carries this attribute.
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  sha1: '1.3.14.3.2.26',
};

/** Algorithms every JDK and OpenSSL 3 (without the legacy provider) read. */
const P12_OPTIONS = { algorithm: '3des' as const, count: 10000, saltSize: 16 };

/** A PKCS12 store's content: at most one private-key entry (Flink uses one) and trusted certificates. */
export interface P12Content {
  keyEntry?: { alias: string; key: forge.pki.rsa.PrivateKey; chain: forge.pki.Certificate[] };
  trusted?: Array<{ alias: string; cert: forge.pki.Certificate }>;
}

const node = (type: number, constructed: boolean, value: string | forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, type, constructed, value);
const oid = (o: string) => node(asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (bytes: string) => node(asn1.Type.OCTETSTRING, false, bytes);
const explicit0 = (inner: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
const seq = (items: forge.asn1.Asn1[]) => node(asn1.Type.SEQUENCE, true, items);
const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), node(asn1.Type.SET, true, [value])]);

function certBag(cert: forge.pki.Certificate, attrs: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  const der = asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const bag = [oid(OID.certBag), explicit0(seq([oid(OID.x509Certificate), explicit0(octets(der))]))];
  if (attrs.length) bag.push(node(asn1.Type.SET, true, attrs));
  return seq(bag);
}

/**
 * Assembles a PFX the way keytool writes one: a shrouded key bag with its chain (linked by
 * localKeyId) and certificate-only entries marked with the JDK's trusted-key-usage attribute,
 * without which the JDK ignores a certificate that has no key. node-forge's own writer cannot
 * add that attribute, so the PFX is built here from forge's primitives.
 */
export function buildP12(content: P12Content, password: string): Buffer {
  const bags: forge.asn1.Asn1[] = [];
  if (content.keyEntry) {
    const { alias, key, chain } = content.keyEntry;
    const localKeyId = forge.md.sha1.create().update(asn1.toDer(forge.pki.certificateToAsn1(chain[0])).getBytes()).digest().getBytes();
    const ids = [attribute(OID.friendlyName, node(asn1.Type.BMPSTRING, false, alias)), attribute(OID.localKeyId, octets(localKeyId))];
    const encrypted = forge.pki.encryptPrivateKeyInfo(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)), password, {
      algorithm: P12_OPTIONS.algorithm,
      count: P12_OPTIONS.count,
      saltSize: 8,
    });
    bags.push(seq([oid(OID.shroudedKeyBag), explicit0(encrypted), node(asn1.Type.SET, true, ids)]));
    chain.forEach((cert, i) => bags.push(certBag(cert, i === 0 ? ids : [])));
  }
  for (const t of content.trusted ?? []) {
    bags.push(certBag(t.cert, [attribute(OID.friendlyName, node(asn1.Type.BMPSTRING, false, t.alias)), attribute(OID.oracleTrustedKeyUsage, oid(OID.anyExtendedKeyUsage))]));
  }
  const authSafeDer = asn1.toDer(seq([seq([oid(OID.data), explicit0(octets(asn1.toDer(seq(bags)).getBytes()))])])).getBytes();
  const salt = forge.random.getBytesSync(P12_OPTIONS.saltSize);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, P12_OPTIONS.count, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(authSafeDer);
  const pfx = seq([
    node(asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(OID.data), explicit0(octets(authSafeDer))]),
    seq([
      seq([seq([oid(OID.sha1), node(asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
      octets(salt),
      node(asn1.Type.INTEGER, false, asn1.integerToDer(P12_OPTIONS.count).getBytes()),
    ]),
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

/** keytool -genkeypair -storetype PKCS12 (key password = store password, as Flink needs for PKCS12). */
export function keystoreP12(key: forge.pki.rsa.PrivateKey, chain: forge.pki.Certificate[], password: string, alias: string): Buffer {
  return buildP12({ keyEntry: { alias, key, chain } }, password);
}

/** keytool -importcert into a truststore: certificate entries only, no private key. */
export function truststoreP12(certs: Array<{ cert: forge.pki.Certificate; alias: string }>, password: string): Buffer {
  return buildP12({ trusted: certs }, password);
}

export interface OpenedStore {
  keys: forge.pki.PrivateKey[];
  certs: forge.pki.Certificate[];
}

/** Opens a PKCS12 store; throws a plain message when the password does not open it. */
export function openP12(der: Buffer, password: string): OpenedStore {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(der.toString('binary')), false, password);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(/MAC could not be verified|Invalid password/i.test(msg) ? 'the password does not open it' : `not a readable PKCS12 store (${msg})`);
  }
  const keys: forge.pki.PrivateKey[] = [];
  const certs: forge.pki.Certificate[] = [];
  for (const bag of p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []) {
    if (bag.key) keys.push(bag.key);
  }
  for (const bag of p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []) {
    if (bag.cert) certs.push(bag.cert);
  }
  return { keys, certs };
}
