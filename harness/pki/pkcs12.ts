import forge from 'node-forge';

const { asn1 } = forge;
const OID = {
  data: '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  // The JDK only treats a certificate without a key as trusted when it carries this attribute.
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  sha1: '1.3.14.3.2.26',
};

/** Algorithms every JDK and OpenSSL 3 (without the legacy provider) read. */
const P12_OPTIONS = { algorithm: '3des' as const, count: 10000, saltSize: 16 };

/**
 * keytool -genkeypair -storetype PKCS12: one private-key entry (alias) with its chain. Key
 * password = store password, which Flink requires for PKCS12 (FLINK-12871).
 */
export function keystoreP12(
  key: forge.pki.rsa.PrivateKey,
  chain: forge.pki.Certificate[],
  password: string,
  alias: string,
): Buffer {
  const p12 = forge.pkcs12.toPkcs12Asn1(key, chain, password, {
    ...P12_OPTIONS,
    friendlyName: alias,
    generateLocalKeyId: true,
  });
  return Buffer.from(asn1.toDer(p12).getBytes(), 'binary');
}

function certBag(cert: forge.pki.Certificate, alias: string): forge.asn1.Asn1 {
  const der = asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const attr = (oid: string, value: forge.asn1.Asn1) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [value]),
    ]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.certBag).getBytes()),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.x509Certificate).getBytes()),
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, der),
        ]),
      ]),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      attr(OID.friendlyName, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, alias)),
      attr(OID.oracleTrustedKeyUsage, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.anyExtendedKeyUsage).getBytes())),
    ]),
  ]);
}

/**
 * keytool -importcert into a PKCS12 truststore: certificate entries only, no private key.
 * node-forge cannot add the JDK's trusted-key-usage attribute, so the PFX is assembled here.
 */
export function truststoreP12(certs: Array<{ cert: forge.pki.Certificate; alias: string }>, password: string): Buffer {
  const safeContents = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, certs.map((c) => certBag(c.cert, c.alias)));
  const authSafe = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.data).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(safeContents).getBytes()),
      ]),
    ]),
  ]);
  const authSafeDer = asn1.toDer(authSafe).getBytes();
  const salt = forge.random.getBytesSync(P12_OPTIONS.saltSize);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, P12_OPTIONS.count, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(authSafeDer);
  const pfx = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.data).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, authSafeDer),
      ]),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID.sha1).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, hmac.digest().getBytes()),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, salt),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(P12_OPTIONS.count).getBytes()),
    ]),
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
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
