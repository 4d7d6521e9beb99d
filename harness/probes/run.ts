import { probeHttp } from './http';
import { probePlain } from './plain';
import { probeTls } from './tls';
import { ProbeRequest, ProbeResult } from './types';

/** Runs independent probes concurrently; results in request order. */
export function runProbes(reqs: ProbeRequest[]): Promise<ProbeResult[]> {
  return Promise.all(
    reqs.map((r) => {
      switch (r.kind) {
        case 'tls':
          return probeTls(r);
        case 'plain':
          return probePlain(r);
        case 'http':
          return probeHttp(r);
      }
    }),
  );
}
