/**
 * `node dist/harness/kube/build-binaries.js`: builds (or finds cached) every Kubernetes binary
 * and exits. The jest suite starts it in the background at low priority, so a first run's
 * ~20 minutes of Go compilation overlap the Docker scenarios instead of adding to them.
 *
 * It runs in a process group of its own (the suite can end all of it, go's compilers included)
 * and ends that group when its parent goes away (Ctrl-C, a killed suite): nothing is left
 * compiling. An interrupted build leaves nothing half-done (cachedDir renames into place).
 */
import { ensureKubeBinaries } from './components';

const parent = process.ppid;
const endGroup = () => {
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    process.exit(1);
  }
};
setInterval(() => {
  if (process.ppid !== parent) endGroup();
}, 1000).unref();
process.on('SIGTERM', () => process.exit(143));

ensureKubeBinaries().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`Kubernetes binaries: ${e.message}\n`);
    process.exit(1);
  },
);
