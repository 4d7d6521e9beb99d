import { EXIT } from '../errors';
import { runAllTeardowns } from './sandbox';

let interruptedBy: NodeJS.Signals | undefined;

/** Which signal interrupted the run, if any: from then on only the signal handler ends the process. */
export function interrupted(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** Ctrl-C or SIGTERM: remove this run's containers and network, then exit 130 / 143. */
export function installInterruptHandlers(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (interruptedBy) return;
      interruptedBy = sig;
      process.stderr.write(`\n${sig}: removing this run's containers and network…\n`);
      runAllTeardowns().finally(() => process.exit(sig === 'SIGINT' ? EXIT.interrupted : 143));
    });
  }
}
