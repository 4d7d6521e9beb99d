import { sslInternalPinned } from '../../scenarios/ssl-internal-pinned';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

scenarioSuite(sslInternalPinned, [
  'cluster.job-completes',
  ...['jm-rpc', 'tm-rpc', 'blob', 'data'].flatMap((c) => [`${c}.rejects-same-ca-cert`, `${c}.accepts-pinned-cert`, `control.${c}.same-ca-cert-accepted-without-pin`]),
  'cli.pinned-fingerprint-connects',
  'cli.wrong-fingerprint-refused',
]);
