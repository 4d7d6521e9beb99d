import { existsSync, openSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import execa from 'execa';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';

const DOCKERD_LOG = '/var/log/flink-security-sandbox-dockerd.log';

export async function engineAnswers(): Promise<boolean> {
  const r = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 15000 });
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

function isDebianLike(): boolean {
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

async function waitForEngine(seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds; i++) {
    if (await engineAnswers()) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

/**
 * Uses the engine DOCKER_HOST or the default socket points at. On a bare Debian/Ubuntu machine
 * where we are root, installs Debian's docker.io and starts dockerd; anywhere else says what to do.
 */
export async function ensureDockerEngine(): Promise<void> {
  const hasCli = (await execa('sh', ['-c', 'command -v docker'], { reject: false })).exitCode === 0;
  if (hasCli && (await engineAnswers())) return;
  const root = process.getuid?.() === 0;
  if (process.env.DOCKER_HOST || !root || !isDebianLike()) {
    const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'the default socket /var/run/docker.sock';
    throw new UserError(
      `no Docker engine answers at ${where}: start Docker (Docker Desktop, or \`sudo systemctl start docker\`), or run as root on Debian/Ubuntu to let the harness install docker.io`,
      EXIT.environment,
    );
  }
  // A dockerd that is there but does not answer (starting, stuck, managed by systemd) is not
  // ours to replace: a second one next to it would fight over its socket and its state.
  const running = await execa('pgrep', ['-x', 'dockerd'], { reject: false });
  if (running.exitCode === 0) {
    throw new UserError(`dockerd runs (pid ${running.stdout.trim().split('\n').join(', ')}) but does not answer at /var/run/docker.sock: this harness leaves it alone; wait until it answers (its log says why it does not), then run again`, EXIT.environment);
  }
  await progress.step(existsSync('/usr/sbin/dockerd') ? 'Docker engine: starting dockerd' : 'Docker engine: installing Debian\'s docker.io and starting dockerd', async () => {
    if (!existsSync('/usr/sbin/dockerd') || !hasCli) {
      progress.detail('apt-get install docker.io');
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      await execa('apt-get', ['update', '-q'], { env });
      await execa('apt-get', ['install', '-y', '-q', 'docker.io'], { env });
    }
    progress.detail(`dockerd (log: ${DOCKERD_LOG})`);
    const log = openSync(DOCKERD_LOG, 'a');
    const d = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
    d.unref();
    if (!(await waitForEngine(60))) {
      throw new UserError(`dockerd was started but does not answer after 60s; see ${DOCKERD_LOG}`, EXIT.environment);
    }
  });
}
