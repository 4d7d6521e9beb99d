// Entry point inside the probe container: base64 JSON requests in argv, JSON results on stdout.
import { runProbes } from './run';
import { ProbeRequest } from './types';

const reqs = JSON.parse(Buffer.from(process.argv[2] ?? '', 'base64').toString('utf8')) as ProbeRequest[];
runProbes(reqs).then(
  (results) => process.stdout.write(JSON.stringify(results)),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
