import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The suite's background build of the Kubernetes binaries (harness/kube/build-binaries.ts):
 * global setup starts it at nice 19, the Kubernetes files wait for it, global teardown ends it
 * if it still runs. Its state is a file (test files may run in other processes than setup).
 */
const SCRIPT = join(__dirname, '..', '..', 'dist', 'harness', 'kube', 'build-binaries.js');
const ENV = 'FSS_KUBE_BUILD_STATE';

interface BuildState {
  pid: number;
  started: number;
  status: 'running' | 'done' | 'failed';
  /** The last lines it printed, when it failed. */
  tail?: string;
}

const read = (file: string): BuildState => JSON.parse(readFileSync(file, 'utf8'));

export function startKubeBuild(): void {
  const file = join(tmpdir(), `fss-kube-build-${process.pid}.json`);
  // Its own process group: teardown can end go's compilers with it.
  const child = spawn('nice', ['-n', '19', process.execPath, SCRIPT], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  const state: BuildState = { pid: child.pid as number, started: Date.now(), status: 'running' };
  writeFileSync(file, JSON.stringify(state));
  process.env[ENV] = file;
  const tail: string[] = [];
  const relay = (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      process.stderr.write(`[kube build] ${line}\n`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  child.on('close', (code) => writeFileSync(file, JSON.stringify({ ...state, status: code === 0 ? 'done' : 'failed', tail: tail.join('\n') })));
  process.stderr.write('[kube build] started in the background at low priority (first run on a machine: ~20 min of Go compilation, overlapping the Docker scenarios)\n');
}

/** Waits for the background build (when the suite started one); a failed build fails the caller with its last lines. */
export async function awaitKubeBuild(timeoutMs = 45 * 60 * 1000): Promise<void> {
  const file = process.env[ENV];
  if (!file || !existsSync(file)) return;
  let said = 0;
  for (const end = Date.now() + timeoutMs; ; ) {
    const s = read(file);
    if (s.status === 'done') return;
    if (s.status === 'failed') throw new Error(`the background build of the Kubernetes binaries failed:\n${s.tail}`);
    if (Date.now() > end) throw new Error(`the background build of the Kubernetes binaries still runs after ${timeoutMs / 60000} min`);
    if (Date.now() - said > 60_000) {
      process.stderr.write(`[kube build] waiting for it (running for ${Math.round((Date.now() - s.started) / 60000)} min)\n`);
      said = Date.now();
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Global teardown: a build still running (only Docker tests ran, or they failed early) ends with its whole group. */
export function stopKubeBuild(): void {
  const file = process.env[ENV];
  if (!file || !existsSync(file)) return;
  const s = read(file);
  if (s.status === 'running') {
    try {
      process.kill(-s.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Before a Kubernetes test file: the binaries (waiting for the background build) and the node
 * image (about a minute when it is new), with progress in the suite's log rather than in the
 * output a test captures from the CLI.
 */
export async function prepareKube(): Promise<void> {
  await awaitKubeBuild();
  const { ensureKubeBinaries } = await import('../../harness/kube/components');
  const { ensureNodeImage } = await import('../../harness/kube/node-image');
  await ensureNodeImage(await ensureKubeBinaries());
}

/** The longest a Kubernetes file's beforeAll may wait (a cold build that started late). */
export const PREPARE_KUBE_MS = 50 * 60 * 1000;
