import { rootCause } from '../../harness/runtime/logs';

// The shape of a JobManager log whose REST keystore does not open: the failure's chain, then
// the shutdown, during which Pekko may log a chain of its own (seen once in CI).
const failed = [
  '2026-11-26 13:00:51,227 INFO  ClusterEntrypoint [] - Shutting down with application status FAILED. Diagnostics org.apache.flink.util.FlinkException: Could not create the DispatcherResourceManagerComponent.',
  '\tat org.apache.flink.runtime.entrypoint.ClusterEntrypoint.runCluster(ClusterEntrypoint.java:302)',
  'Caused by: org.apache.flink.util.ConfigurationException: Failed to initialize SSLEngineFactory for REST server endpoint.',
  '\t... 6 more',
  'Caused by: java.security.UnrecoverableKeyException: Failed PKCS12 integrity checking',
  '\t... 18 more',
  '.',
  '2026-11-26 13:00:51,240 INFO  PekkoRpcService [] - Stopping Pekko RPC service.',
  '2026-11-26 13:00:51,300 ERROR ActorSystemImpl [] - Uncaught error from thread',
  'java.lang.NoClassDefFoundError: org/apache/pekko/remote/transport/netty/TcpServerHandler',
  '\tat org.apache.pekko.remote.transport.netty.NettyTransport.run(NettyTransport.scala:1)',
  'Caused by: java.lang.ClassNotFoundException: org.apache.pekko.remote.transport.netty.TcpServerHandler',
  '\t... 3 more',
].join('\n');

describe('rootCause', () => {
  test('names the innermost cause of the first chain, not shutdown noise after it', () => {
    expect(rootCause(failed)).toBe('Caused by: java.security.UnrecoverableKeyException: Failed PKCS12 integrity checking');
  });

  test('strips Docker timestamps and falls back to the first exception line', () => {
    expect(rootCause('2026-11-26T13:00:51.000000000Z java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)')).toBe('java.lang.IllegalStateException: boom');
    expect(rootCause('all fine\n')).toBeUndefined();
  });
});
