import { sslCiphers } from '../../scenarios/ssl-ciphers';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

scenarioSuite(sslCiphers, [
  ...['rest', 'jm-rpc', 'blob', 'data'].flatMap((c) => [`${c}.only-configured-suites`, `${c}.refuses-weak-suites`, `${c}.refuses-other-protocols`]),
  'cluster.mismatched-suites-cannot-connect',
  'cluster.job-completes',
]);
