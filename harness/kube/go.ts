import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { CACHE } from '../images/paths';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { MIN_GO } from './versions';

/** Module and build caches live under the project's cache: a second build compiles nothing. */
export const GO_ROOT = join(CACHE, 'go');

export function goEnv(): Record<string, string> {
  return {
    GOMODCACHE: join(GO_ROOT, 'mod'),
    GOCACHE: join(GO_ROOT, 'build'),
    GOPATH: join(GO_ROOT, 'path'),
    // The machine's Go builds everything; no toolchain download behind the user's back.
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    CGO_ENABLED: '0',
    GOOS: 'linux',
    GOARCH: 'amd64',
  };
}

let checked: string | undefined;

/** `go version`, refusing a Go that is missing or too old for Kubernetes' go.mod. */
export async function goVersion(): Promise<string> {
  if (checked) return checked;
  const r = await execa('go', ['env', 'GOVERSION'], { reject: false, env: goEnv() });
  if (r.exitCode !== 0) throw new UserError('Kubernetes mode builds kind and Kubernetes from Go modules: install Go 1.24 or newer (go not found)', EXIT.environment);
  const m = /^go(\d+)\.(\d+)/.exec(r.stdout.trim());
  if (!m || +m[1] < MIN_GO[0] || (+m[1] === MIN_GO[0] && +m[2] < MIN_GO[1])) {
    throw new UserError(`Kubernetes mode needs Go ${MIN_GO.join('.')} or newer; this machine has ${r.stdout.trim()}`, EXIT.environment);
  }
  checked = r.stdout.trim();
  return checked;
}

/**
 * Runs a go command with the project's caches, reporting each package it compiles (`-v` names
 * them on stderr) as a count: a build of minutes never looks stuck.
 */
export async function go(args: string[], opts: { cwd: string; label: string }): Promise<void> {
  const child = execa('go', args, { cwd: opts.cwd, env: goEnv(), all: true, reject: false });
  let n = 0;
  let downloads = 0;
  const tail: string[] = [];
  child.all?.on('data', (c: Buffer) => {
    for (const line of c.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (/^go: downloading /.test(line)) {
        if (++downloads % 20 === 1) progress.detail(`${opts.label}: ${downloads} modules downloaded (${line.slice(16, 80)})`);
      } else if (!line.startsWith('#')) {
        n++;
        if (n % 25 === 0) progress.detail(`${opts.label}: ${n} packages compiled (${line.slice(0, 60)})`);
      }
    }
  });
  const r = await child;
  if (r.exitCode !== 0) {
    if (/dial tcp|lookup .*: no such host|connection refused|i\/o timeout/i.test(tail.join('\n'))) {
      throw new UserError(`the Go module proxy did not answer while building ${opts.label}: ${tail.filter((l) => /dial|lookup|refused|timeout/.test(l)).slice(-1)[0]}`, EXIT.environment);
    }
    throw new Error(`go ${args[0]} for ${opts.label} failed (exit ${r.exitCode}):\n${tail.join('\n')}`);
  }
}

/**
 * A folder of binaries that exists only when complete: built into a scratch folder and renamed
 * into place, so an interrupted build never leaves a half-filled cache entry.
 */
export async function cachedDir(dir: string, build: (scratch: string) => Promise<void>): Promise<{ dir: string; cached: boolean }> {
  if (existsSync(dir)) return { dir, cached: true };
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await build(scratch);
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { dir, cached: false };
}
