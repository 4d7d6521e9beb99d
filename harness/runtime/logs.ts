import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
/** The last line of a Java program's output that reports an error (not a stack frame); else its last line. */
export function lastErrorLine(output: string): string {
  const lines = output.split('\n').filter((l) => /Exception|Caused by|error/i.test(l) && !/^\s+at /.test(l));
  return (lines.at(-1) ?? output.trim().split('\n').at(-1) ?? '').trim().slice(0, 300);
}

/**
 * The "Caused by" chain of a failed program's output, narrowed to the links that match `re`
 * (e.g. the Kerberos login's), outermost first; the last link when none match.
 */
export function causes(output: string, re: RegExp): string {
  const chain = [...new Set(output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('Caused by: ')).map((l) => l.slice('Caused by: '.length)))];
  const hits = chain.filter((l) => re.test(l));
  return (hits.length ? hits.slice(0, 2) : chain.slice(-1)).join(' ← ').slice(0, 400);
}

/**
 * The line of a Java log that says why a process died: the innermost "Caused by" of the FIRST
 * stack trace that has one, else the first exception line. The first, because a process that
 * fails keeps logging while it shuts down, and that noise can carry its own chains (Flink's
 * Pekko once logged a ClassNotFoundException for a class its closed class loader no longer had).
 */
export function rootCause(log: string): string | undefined {
  const lines = log.split('\n').map((l) => l.replace(/^\S+Z\s/, ''));
  const first = lines.findIndex((l) => l.startsWith('Caused by:'));
  if (first >= 0) {
    let last = first;
    for (let i = first + 1; i < lines.length && (/^\s/.test(lines[i]) || lines[i].startsWith('Caused by:')); i++) {
      if (lines[i].startsWith('Caused by:')) last = i;
    }
    return lines[last].trim().slice(0, 400);
  }
  return lines.map((l) => l.trim()).find((l) => /Exception|Error:/.test(l) && !l.startsWith('at '))?.slice(0, 400);
}

/**
 * A window on a growing log: the lines it got after this call. A check that cites a service's
 * log line must cite one its own request caused, not one from earlier in the run.
 */
export function logWindow(log: () => string): () => string[] {
  const mark = log().length;
  return () => log().slice(mark).split('\n').filter(Boolean);
}

/** Waits (briefly: container logs stream with a small delay) until `re` matched `count` lines; returns them. */
export async function waitForLines(lines: () => string[], re: RegExp, count = 1, ms = 3000): Promise<string[]> {
  const hits = () => lines().filter((l) => re.test(l));
  for (const end = Date.now() + ms; hits().length < count && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  return hits();
}

/** A log beside the report (<dir>/<file>); returns its path. */
export function saveText(dir: string, file: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}
