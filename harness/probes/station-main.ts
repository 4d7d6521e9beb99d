// Entry point inside the probe container: base64 JSON requests in argv, JSON results on stdout.
import { readFileSync } from 'node:fs';
import { runProbes } from './run';
import { ProbeRequest } from './types';

// "@/path" names a file with the JSON (large batches); anything else is the JSON in base64.
const arg = process.argv[2] ?? '';
const json = arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : Buffer.from(arg, 'base64').toString('utf8');
const reqs = JSON.parse(json) as ProbeRequest[];
runProbes(reqs).then(
  (results) => process.stdout.write(JSON.stringify(results)),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
