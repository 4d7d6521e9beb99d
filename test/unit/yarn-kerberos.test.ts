import { hadoopHosts, hdfsSite, hostKeytabFile, secureCoreSite, servicePrincipals } from '../../harness/config/hadoop-security';
import { keytabFiles, renderKdcInit } from '../../harness/config/kerberos';
import { hadoopHostsTable, kdcRefusals } from '../../harness/runtime/yarn';
import { Sandbox } from '../../harness/runtime/sandbox';
import { parseHdfsJob } from '../../scenarios/lib/yarn-kerberos';
import { delegationToken } from '../../scenarios/yarn-kinit';

describe('Kerberized Hadoop configuration', () => {
  test('every host gets its services\' principals in one keytab, named after the host', () => {
    const p = servicePrincipals(hadoopHosts(2));
    expect(p.map((x) => x.name)).toEqual([
      'hdfs/namenode.yarn.test',
      'hdfs/datanode.yarn.test',
      'yarn/resourcemanager.yarn.test',
      'yarn/nodemanager-1.yarn.test',
      'yarn/nodemanager-2.yarn.test',
    ]);
    expect(p.find((x) => x.name === 'hdfs/namenode.yarn.test')?.keytab).toBe(hostKeytabFile('namenode.yarn.test'));
    // Shared files are exported (and read back) once; a password-only principal has none.
    expect(keytabFiles([...p, { name: 'flink', password: 'x' }])).toHaveLength(5);
    const init = renderKdcInit([...p.slice(0, 2), { name: 'flink', password: 'pw' }], 'm');
    expect(init.match(/ktadd/g)).toHaveLength(2);
    expect(init).toContain('addprinc -pw pw flink@SANDBOX.TEST');
  });

  test('a DataNode without root: SASL on data transfer, HTTPS only, block tokens; short tokens only when asked', () => {
    const h = hdfsSite({ dataNode: 'datanode.yarn.test' });
    expect(h).toMatchObject({ 'dfs.data.transfer.protection': 'authentication', 'dfs.http.policy': 'HTTPS_ONLY', 'dfs.block.access.token.enable': true, 'dfs.datanode.hostname': 'datanode.yarn.test', 'dfs.namenode.kerberos.principal': 'hdfs/_HOST@SANDBOX.TEST' });
    expect(h['dfs.namenode.delegation.token.max-lifetime']).toBeUndefined();
    expect(hdfsSite({ tokens: { renewIntervalMs: 60_000, maxLifetimeMs: 3_600_000 } })).toMatchObject({ 'dfs.namenode.delegation.token.renew-interval': 60_000, 'dfs.namenode.delegation.token.max-lifetime': 3_600_000 });
    expect(secureCoreSite()).toMatchObject({ 'hadoop.security.authentication': 'kerberos', 'hadoop.security.authorization': true, 'fs.defaultFS': 'hdfs://namenode.yarn.test:8020' });
    expect(secureCoreSite({ authentication: 'simple' })['hadoop.security.authentication']).toBe('simple');
  });

  test('one table: every Hadoop host (the client too) at its own fixed address; principals only for services', () => {
    const sandbox = { address: (n: number) => `172.29.1.${n}` } as unknown as Sandbox;
    const t = hadoopHostsTable(sandbox, 2, true);
    expect(t.map((h) => `${h.host}=${h.ipAddress}`)).toEqual([
      'namenode.yarn.test=172.29.1.242',
      'datanode.yarn.test=172.29.1.243',
      'resourcemanager.yarn.test=172.29.1.240',
      'yarn-client.yarn.test=172.29.1.241',
      'nodemanager-1.yarn.test=172.29.1.20',
      'nodemanager-2.yarn.test=172.29.1.21',
    ]);
    expect(hadoopHostsTable(sandbox, 2, false).some((h) => h.container === 'namenode')).toBe(false);
    expect(servicePrincipals(t).some((p) => p.name.includes('yarn-client'))).toBe(false);
  });

  test("the KDC's own words about a refused request", () => {
    const log = [
      'Dec 05 03:00:01 kdc krb5kdc[7](info): AS_REQ (2 etypes {aes256-cts-hmac-sha1-96(18)}) 172.29.0.5: ISSUE: authtime 1, etypes {rep=18}, operator@SANDBOX.TEST for krbtgt/SANDBOX.TEST@SANDBOX.TEST',
      'Dec 05 03:00:02 kdc krb5kdc[7](info): TGS_REQ (2 etypes {18 17}) 172.29.0.241: UNKNOWN_SERVER: authtime 0,  yarn@SANDBOX.TEST for yarn/172-29-0-240.example@SANDBOX.TEST, Server not found in Kerberos database',
    ].join('\n');
    expect(kdcRefusals(log)).toBe('; the KDC said: TGS_REQ (2 etypes {18 17}) 172.29.0.241: UNKNOWN_SERVER: authtime 0,  yarn@SANDBOX.TEST for yarn/172-29-0-240.example@SANDBOX.TEST, Server not found in Kerberos database');
    expect(kdcRefusals(log.split('\n')[0])).toBe('');
  });
});

describe('Kerberos YARN output', () => {
  test('the HDFS job: what each TaskManager wrote and read, as whom', () => {
    const out = [
      'FSS_HDFS_WROTE part-0 500 nodemanager-1.yarn.test flink@SANDBOX.TEST KERBEROS HDFS_DELEGATION_TOKEN',
      'FSS_HDFS_READ part-0 500 125250 nodemanager-1.yarn.test flink@SANDBOX.TEST KERBEROS HDFS_DELEGATION_TOKEN',
      'FSS_HDFS_READ part-1 500 375250 nodemanager-2.yarn.test flink TOKEN HDFS_DELEGATION_TOKEN,TIMELINE',
    ].join('\n');
    const { wrote, read } = parseHdfsJob(out);
    expect(wrote).toHaveLength(1);
    expect(read.map((r) => r.sum)).toEqual([125250n, 375250n]);
    expect(read[1]).toMatchObject({ host: 'nodemanager-2.yarn.test', user: 'flink', auth: 'TOKEN' });
  });

  test("the delegation token as Flink's client logs it", () => {
    const line =
      '2026-12-05 03:20:01,100 INFO  org.apache.flink.yarn.Utils [] - Adding user token ha-hdfs with Kind: HDFS_DELEGATION_TOKEN, Service: 172.29.0.242:8020, Ident: (token for flink: HDFS_DELEGATION_TOKEN owner=flink@SANDBOX.TEST, renewer=, realUser=, issueDate=1796440000000, maxDate=1796440060000, sequenceNumber=1, masterKeyId=2)';
    expect(delegationToken(`x\n${line}\ny`)).toEqual({ line, owner: 'flink@SANDBOX.TEST', renewer: '', issueDate: 1796440000000, maxDate: 1796440060000 });
    expect(delegationToken('no token here')).toBeUndefined();
  });
});
