import { yarnKinit } from '../../scenarios/yarn-kinit';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real Kerberized Hadoop per run; the user's kinit and a session on delegation tokens whose
// renew interval the NameNode shortens to 90 s (each run waits for it to pass).
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(yarnKinit, ['kinit.deploy-refused-without-ticket', 'kinit.no-keytab-shipped', 'kinit.delegation-token-obtained', 'hdfs.job-round-trip', 'kinit.cluster-short-lived']);
