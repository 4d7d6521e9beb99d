/** The line of a Java log that says why a process died: the last "Caused by", else the first exception. */
export function rootCause(log: string): string | undefined {
  const lines = log.split('\n').map((l) => l.replace(/^\S+Z\s/, '').trim());
  const caused = lines.filter((l) => l.startsWith('Caused by:'));
  const line = caused.at(-1) ?? lines.find((l) => /Exception|Error:/.test(l) && !l.startsWith('at '));
  return line?.slice(0, 400);
}
