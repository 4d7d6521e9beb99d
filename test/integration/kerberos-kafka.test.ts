import { kerberosKafka } from '../../scenarios/kerberos-kafka';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

scenarioSuite(kerberosKafka, [
  'kdc.issues-ticket-for-keytab',
  'kdc.refuses-wrong-password',
  'kdc.refuses-stale-keytab',
  'kafka.rejects-unauthenticated',
  'kafka.rejects-unknown-principal',
  'kafka.rejects-unauthorised-principal',
  'kafka.accepts-keytab-client',
  'kafka.scram-accepts-valid',
  'kafka.scram-rejects-wrong-password',
  'flink.job-reads-kerberized-topic',
  'cluster.taskmanagers-registered',
  'secrets.not-world-readable',
]);
