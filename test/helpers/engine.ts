import { readFileSync } from 'node:fs';
import execa from 'execa';

/**
 * The Docker engine's process id, read without touching it: the pid file dockerd writes, else
 * pgrep (which only reads /proc). Undefined when the engine runs elsewhere (Docker Desktop's VM).
 */
export async function enginePid(): Promise<string | undefined> {
  try {
    const pid = readFileSync('/var/run/docker.pid', 'utf8').trim();
    if (pid) return pid;
  } catch {
    // no pid file: ask pgrep
  }
  const r = await execa('pgrep', ['-x', 'dockerd'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** The real engine's unix socket: DOCKER_HOST's when it is unix://…, the default one when unset; undefined otherwise (tcp, ssh). */
export function engineSocket(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}
