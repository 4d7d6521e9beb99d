import { mergeConfig, renderFlinkConfig } from '../../harness/config/flink-config';
import { channelSwitches, internalSsl } from '../../harness/config/security';
import { FlinkVersion } from '../../harness/config/version';

const ssl = internalSsl({
  keystore: { path: '/opt/flink/ssl/internal.keystore', password: 'p: "w#1' },
  truststore: { path: '/opt/flink/ssl/internal.keystore', password: 'p: "w#1' },
});

test('1.19+ renders standard YAML config.yaml with quoted strings', () => {
  const { fileName, content } = renderFlinkConfig(ssl, new FlinkVersion('1.20.5'));
  expect(fileName).toBe('config.yaml');
  expect(content).toContain('security.ssl.internal.enabled: true\n');
  expect(content).toContain('security.ssl.internal.keystore-password: "p: \\"w#1"\n');
  expect(content).toContain('security.ssl.protocol: "TLSv1.2"\n');
});

test('<= 1.18 renders flink-conf.yaml with raw values (its parser keeps quotes)', () => {
  const { fileName, content } = renderFlinkConfig(ssl, new FlinkVersion('1.18.1'));
  expect(fileName).toBe('flink-conf.yaml');
  expect(content).toContain('security.ssl.protocol: TLSv1.2\n');
});

test('security.ssl.algorithms is always explicit, never the JDK-disabled code default', () => {
  expect(ssl['security.ssl.algorithms']).toBeDefined();
  expect(String(ssl['security.ssl.algorithms'])).not.toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
});

test('key password equals store password (PKCS12)', () => {
  expect(ssl['security.ssl.internal.key-password']).toBe(ssl['security.ssl.internal.keystore-password']);
});

test('RPC switch follows the release: akka up to 1.17, pekko after', () => {
  expect(channelSwitches(new FlinkVersion('1.17.2')).rpc).toBe('akka.ssl.enabled');
  expect(channelSwitches(new FlinkVersion('1.20.5')).rpc).toBe('pekko.ssl.enabled');
  expect(channelSwitches(new FlinkVersion('2.1.0')).rpc).toBe('pekko.ssl.enabled');
});

test('overlays replace and remove keys', () => {
  expect(mergeConfig({ a: 1, b: 'x' }, { b: 'y', a: null })).toEqual({ b: 'y' });
});

test('bad versions and multi-line values are rejected', () => {
  expect(() => new FlinkVersion('1.x')).toThrow(/not a Flink version/);
  expect(() => renderFlinkConfig({ a: 'x\ny' }, new FlinkVersion('1.20.5'))).toThrow(/spans lines/);
});

import { exposedFiles } from '../../harness/checks/secrets';
import { listeningPorts } from '../../harness/checks/port-inventory';

test('secrets check flags group/world-readable files and passes owner-only ones', () => {
  expect(exposedFiles('600 flink /opt/flink/ssl/k\n400 flink /c')).toEqual([]);
  expect(exposedFiles('644 root /opt/flink/ssl/k\n600 flink /c')).toEqual(['644 root /opt/flink/ssl/k']);
  expect(exposedFiles('640 flink /x')).toHaveLength(1);
});

test('port inventory reads LISTEN sockets and skips loopback (incl. Docker DNS on 127.0.0.11)', () => {
  const proc = [
    '  sl  local_address rem_address   st tx_queue rx_queue',
    '   0: 00000000:17EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  9999',
    '   1: 0B00007F:89F5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0',
    '   2: 0200A8C0:17EB 0300A8C0:D431 01 00000000:00000000 00:00000000 00000000  9999',
    '   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 0 0',
    '   1: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 0 0',
  ].join('\n');
  expect(listeningPorts(proc)).toEqual([6123, 8081]);
});

import { fingerprintProblem } from '../../harness/config/fingerprint';

test('fingerprint format: SHA-1 with or without colons, lists; SHA-256, wrong length and stray characters are named', () => {
  const sha1 = '97:2C:9A:BE:AB:D5:58:A1:DC:5D:E7:B7:09:7B:42:5B:FB:16:4C:0C';
  expect(fingerprintProblem(sha1)).toBeUndefined();
  expect(fingerprintProblem(sha1.replace(/:/g, '').toLowerCase())).toBeUndefined();
  expect(fingerprintProblem(`${sha1},${sha1}`)).toBeUndefined();
  expect(fingerprintProblem('F9:EC:40:85:6A:16:F9:D1:C6:ED:B6:C6:6B:19:E9:F3:7F:32:E8:DA:E4:9A:DE:06:4D:1C:5A:E0:5F:D6:38:A4')).toMatch(/SHA-256/);
  expect(fingerprintProblem(sha1.slice(3))).toMatch(/38 hex digits/);
  expect(fingerprintProblem(`${sha1.slice(0, -1)}X`)).toMatch(/characters other than hex/);
  expect(fingerprintProblem(`${sha1},`)).toMatch(/empty entry/);
});
