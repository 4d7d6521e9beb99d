import { restProxy } from '../../scenarios/rest-proxy';
import { restProxyMtls } from '../../scenarios/rest-proxy-mtls';
import { PROXY_CHECK_IDS } from '../../scenarios/lib/rest-proxy';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

scenarioSuite(restProxy, PROXY_CHECK_IDS);
scenarioSuite(restProxyMtls, PROXY_CHECK_IDS);
