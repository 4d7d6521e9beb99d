import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file lives in dist/harness/images or harness/images). */
export const ROOT = resolve(__dirname, __dirname.includes(`${join('dist', 'harness')}`) ? '../../..' : '../..');
export const FIXTURES = join(ROOT, 'fixtures');
/** Downloads and build contexts; survives between runs. */
export const CACHE = process.env.FSS_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flink-security-sandbox');
