import { yarnKerberosKeytab } from '../../scenarios/yarn-kerberos-keytab';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real Kerberized Hadoop per run: an MIT KDC, HDFS (NameNode, DataNode) and YARN with service
// principals per host, a Kerberized Kafka broker; a session deployed with the client's keytab.
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(yarnKerberosKeytab, ['hadoop.refuses-without-ticket', 'kerberos.keytab-localized', 'kerberos.krb5-conf-shipped', 'kerberos.keytab-login', 'flink.job-reads-kerberized-topic', 'hdfs.job-round-trip', 'jm-rpc.requires-client-cert']);
