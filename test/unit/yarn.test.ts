import { capacityScheduler, renderSiteXml, yarnSite } from '../../harness/config/hadoop';
import { amContainer, finalSums, judgeHoldingJob, judgeLocalized, parseLocalized, rootCauseLine, sha256 } from '../../harness/checks/yarn';
import { FlinkVersion } from '../../harness/config/version';
import { parseNodeList } from '../../harness/runtime/yarn';
import { configMap, parseSubmission, rpcAddress } from '../../harness/runtime/yarn-flink';
import { deployArgs } from '../../scenarios/lib/yarn';
import { proxyError } from '../../scenarios/yarn-tracking-proxy';
import { NodeHandle } from '../../harness/runtime/node';

describe('Hadoop site files', () => {
  test('XML with escaped values, keys sorted', () => {
    const xml = renderSiteXml({ 'b.key': 'x<y&z', 'a.key': 3 });
    expect(xml.indexOf('a.key')).toBeLessThan(xml.indexOf('b.key'));
    expect(xml).toContain('<value>x&lt;y&amp;z</value>');
  });
  test('a NodeManager advertises its own name; labels only when asked', () => {
    expect(yarnSite({ nodeManager: 'nodemanager-2' })['yarn.nodemanager.hostname']).toBe('nodemanager-2');
    expect(yarnSite()['yarn.node-labels.enabled']).toBeUndefined();
    expect(yarnSite({ nodeLabels: true })['yarn.node-labels.enabled']).toBe(true);
    expect(capacityScheduler(['nm1'])['yarn.scheduler.capacity.root.default.accessible-node-labels.nm1.capacity']).toBe(100);
  });
});

describe('YARN and Flink output', () => {
  test('yarn node -list', () => {
    const out = [
      'Total Nodes:2',
      '         Node-Id             Node-State Node-Http-Address       Number-of-Running-Containers',
      'nodemanager-2:35473                RUNNING nodemanager-2:8042                                 0',
      'nodemanager-1:33497                 LOST nodemanager-1:8042                                 1',
    ].join('\n');
    expect(parseNodeList(out)).toEqual([
      { id: 'nodemanager-2:35473', host: 'nodemanager-2', state: 'RUNNING', httpAddress: 'nodemanager-2:8042', runningContainers: 0 },
      { id: 'nodemanager-1:33497', host: 'nodemanager-1', state: 'LOST', httpAddress: 'nodemanager-1:8042', runningContainers: 1 },
    ]);
  });
  test("the client's lines name the application and the web interface", () => {
    const s = parseSubmission({ exitCode: 0, output: "INFO YarnClientImpl [] - Submitted application application_1796428678323_0001\nINFO YarnClusterDescriptor [] - Found Web Interface nodemanager-1:35829 of application 'application_1796428678323_0001'." });
    expect(s.appId).toBe('application_1796428678323_0001');
    expect(s.web).toEqual({ host: 'nodemanager-1', port: 35829 });
    expect(amContainer(s.appId as string)).toBe('container_1796428678323_0001_01_000001');
  });
  test('RPC addresses and the JobManager configuration', () => {
    expect(rpcAddress('pekko.ssl.tcp://flink@nodemanager-2:38045/user/rpc/taskmanager_0')).toEqual({ host: 'nodemanager-2', port: 38045 });
    expect(rpcAddress('nonsense')).toBeUndefined();
    expect(configMap([{ key: 'blob.server.port', value: '40277' }])).toEqual({ 'blob.server.port': '40277' });
  });
  test('the docs command on 1.x, application mode with yarn.ship-files on 2.x', () => {
    expect(deployArgs(new FlinkVersion('1.20.5'), { ship: true, jobArgs: ['1'] }).slice(0, 5)).toEqual(['run', '-m', 'yarn-cluster', '-yt', 'deploy-keys/']);
    expect(deployArgs(new FlinkVersion('1.20.5'), { ship: false, jobArgs: [] })).not.toContain('-yt');
    expect(deployArgs(new FlinkVersion('2.1.1'), { ship: true, jobArgs: [] }).slice(0, 4)).toEqual(['run', '-t', 'yarn-application', '-Dyarn.ship-files=deploy-keys']);
  });
  test('the root cause of a failed JobManager', () => {
    expect(rootCauseLine('ERROR x\nCaused by: a\nCaused by: java.nio.file.NoSuchFileException: deploy-keys/internal.keystore\n\tat y')).toBe('Caused by: java.nio.file.NoSuchFileException: deploy-keys/internal.keystore');
  });
});

describe('judges', () => {
  const nm = {} as NodeHandle;
  const c = (role: 'JobManager' | 'TaskManager', host: string) => ({ c: { role, id: `container_${host}`, host, nm }, files: [] as ReturnType<typeof parseLocalized> });
  test('localized stores: byte for byte, in every container', () => {
    const bytes = Buffer.from('store');
    const out = `SHA ${sha256(bytes)}  /x/deploy-keys/a.keystore\nSTAT 500 flink /nm/filecache/27/deploy-keys/a.keystore /x/deploy-keys/a.keystore\n`;
    const files = parseLocalized(out);
    expect(files).toEqual([{ name: 'a.keystore', sha256: sha256(bytes), mode: '500', owner: 'flink', target: '/nm/filecache/27/deploy-keys/a.keystore' }]);
    expect(judgeLocalized('deploy-keys', { 'a.keystore': bytes }, [{ ...c('JobManager', 'nm1'), files }, { ...c('TaskManager', 'nm2'), files }]).status).toBe('PASS');
    // A different file of the same name, or a container without the folder, is not a shipped store.
    expect(judgeLocalized('deploy-keys', { 'a.keystore': Buffer.from('other') }, [{ ...c('JobManager', 'nm1'), files }]).status).toBe('FAIL');
    expect(judgeLocalized('deploy-keys', { 'a.keystore': bytes }, [{ ...c('JobManager', 'nm1'), files }, { ...c('TaskManager', 'nm2'), error: 'nm2: no deploy-keys/' }]).status).toBe('FAIL');
    expect(judgeLocalized('deploy-keys', { 'a.keystore': bytes }, []).status).toBe('FAIL');
  });
  test('running sums: the largest per key is the final one; both TaskManagers must print', () => {
    // 1..4 by x mod 2: key 0 → 2+4 = 6, key 1 → 1+3 = 4
    expect(finalSums(['FSS_RESULT 0 2\nFSS_RESULT 0 6\n', '2> FSS_RESULT 1 1\n2> FSS_RESULT 1 4\n']).sums).toEqual(new Map([[0, 6n], [1, 4n]]));
    expect(judgeHoldingJob(4, 2, [{ id: 'a', host: 'h1', stdout: 'FSS_RESULT 0 6' }, { id: 'b', host: 'h2', stdout: 'FSS_RESULT 1 4' }]).status).toBe('PASS');
    expect(judgeHoldingJob(4, 2, [{ id: 'a', host: 'h1', stdout: 'FSS_RESULT 0 6\nFSS_RESULT 1 4' }, { id: 'b', host: 'h2', stdout: '' }]).status).toBe('FAIL');
    expect(judgeHoldingJob(4, 2, [{ id: 'a', host: 'h1', stdout: 'FSS_RESULT 0 2' }, { id: 'b', host: 'h2', stdout: 'FSS_RESULT 1 4' }]).status).toBe('FAIL');
    // Right sums from two TaskManagers on one NodeManager: no record crossed between nodes.
    expect(judgeHoldingJob(4, 2, [{ id: 'a', host: 'h1', stdout: 'FSS_RESULT 0 6' }, { id: 'b', host: 'h1', stdout: 'FSS_RESULT 1 4' }]).status).toBe('FAIL');
  });
});

describe('the tracking proxy', () => {
  test("the error page's title, decoded; else only this application's log line", () => {
    const page = { kind: 'http' as const, url: 'u', attempts: 1, elapsedMs: 1, status: 500, body: '<html><title>Error 500 javax.net.ssl.SSLPeerUnverifiedException: Certificate for &lt;172.29.7.21&gt; doesn&apos;t match</title>' };
    expect(proxyError(page, '', 'application_1_0001')).toBe("Error 500 javax.net.ssl.SSLPeerUnverifiedException: Certificate for <172.29.7.21> doesn't match");
    const log = 'WARN handleException /proxy/application_1_0002/overview javax.net.ssl.SSLHandshakeException: PKIX path building failed';
    expect(proxyError({ ...page, body: '' }, log, 'application_1_0001')).toBe('');
    expect(proxyError({ ...page, body: '' }, log, 'application_1_0002')).toMatch(/PKIX/);
  });
});
