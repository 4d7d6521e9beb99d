import { curlOutcome, judgeNames, nameOutcome, opensslOutcome } from '../../harness/checks/hostname-verification';
import { TlsProbeResult } from '../../harness/probes/types';

const peer = { subject: 'CN=flink', issuer: 'CN=flink', san: 'DNS:*.taskmanager.ns.svc.cluster.local', sha1: 'AA', sha256: 'BB', validTo: '' };
const base: TlsProbeResult = { kind: 'tls', target: 'x:6122', outcome: 'established', serverSpokeTls: true, peer, elapsedMs: 5 };

describe('hostname verification', () => {
  it('verified: chain and name', () => {
    expect(nameOutcome({ ...base, authorized: true })).toBe('verified');
  });
  it("a name mismatch is Node's name error after a verified chain, or our own check's", () => {
    expect(nameOutcome({ ...base, authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' })).toBe('name-mismatch');
    expect(nameOutcome({ ...base, authorized: true, hostnameError: 'not in the names' })).toBe('name-mismatch');
  });
  it('an unknown chain, a dead port or a server without TLS is no evidence about names', () => {
    expect(nameOutcome({ ...base, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toBe('chain-failed');
    expect(nameOutcome({ ...base, authorized: undefined })).toBe('chain-failed');
    expect(nameOutcome({ ...base, outcome: 'unreachable', serverSpokeTls: false, peer: undefined })).toBe('no-certificate');
  });
  it('a check needs every endpoint as expected, and at least one', () => {
    const e = [{ name: 'a', port: 1, label: 'A' }, { name: 'b', port: 2, label: 'B' }];
    expect(judgeNames('x', 't', e, [{ ...base, authorized: true }, { ...base, authorized: true }], 'verified').status).toBe('PASS');
    expect(judgeNames('x', 't', e, [{ ...base, authorized: true }, { ...base, outcome: 'timeout', serverSpokeTls: false, peer: undefined }], 'verified').status).toBe('FAIL');
    expect(judgeNames('x', 't', [], [], 'name-mismatch').status).toBe('FAIL');
  });
});

describe("the user's tools", () => {
  it("reads openssl's verify return code: 0 verified, 62 the name, others the chain", () => {
    expect(opensslOutcome('    Verify return code: 0 (ok)')).toBe('verified');
    expect(opensslOutcome('verify error:num=62:hostname mismatch\n    Verify return code: 62 (hostname mismatch)')).toBe('name-mismatch');
    expect(opensslOutcome('    Verify return code: 18 (self-signed certificate)')).toBe('chain-failed');
    expect(opensslOutcome('connect:errno=111')).toBe('no-certificate');
  });
  it("reads curl's exit: 60 naming the subject name is the name, 60 otherwise the chain, 7 no evidence", () => {
    expect(curlOutcome(0, '')).toBe('verified');
    expect(curlOutcome(60, "curl: (60) SSL: no alternative certificate subject name matches target ipv4 address '10.244.1.2'")).toBe('name-mismatch');
    expect(curlOutcome(60, 'curl: (60) SSL certificate problem: self-signed certificate')).toBe('chain-failed');
    expect(curlOutcome(7, 'curl: (7) Failed to connect')).toBe('no-certificate');
  });
});
