import { k8sKerberosNative } from '../../scenarios/k8s-kerberos-native';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run a namespace with the KDC and Kafka as pods, a client pod
// that alone holds the keytab and krb5.conf, and the native cluster Flink builds from it.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sKerberosNative, [
  'native.keytab-secret',
  'native.krb5conf-configmap',
  'native.kerberos-mounted',
  'native.kerberos-file-modes',
  'flink.job-reads-kerberized-topic',
  'native.keytab-secret-other-namespace',
]);
