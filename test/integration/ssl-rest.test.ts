import { sslRestCa } from '../../scenarios/ssl-rest-ca';
import { sslRestMutual } from '../../scenarios/ssl-rest-mutual';
import { sslRestSelfSigned } from '../../scenarios/ssl-rest-selfsigned';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

const common = [
  'cluster.taskmanagers-registered',
  'cluster.job-completes',
  'rest.serves-tls',
  'rest.rejects-plaintext',
  'rest.trusted-with-truststore',
  'rest.untrusted-without-truststore',
  'rest.san-matches-name',
  'rest.san-matches-ip',
  'rest.san-rejects-other-name',
  'doc.openssl-pem',
  'doc.curl-cacert',
  'doc.curl-untrusted-without-cacert',
  'cli.list-with-truststore',
  'cli.refused-with-foreign-truststore',
];

scenarioSuite(sslRestSelfSigned, common);
scenarioSuite(sslRestCa, [...common, 'rest.chain-validates-to-ca', 'rest.other-ca-refused']);
scenarioSuite(sslRestMutual, [...common, 'rest.requires-client-cert', 'rest.rejects-foreign-cert', 'doc.curl-refused-without-cert', 'cli.refused-without-keystore']);
