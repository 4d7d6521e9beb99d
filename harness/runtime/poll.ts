/**
 * Polls every `everyMs` until `check` names a reason to stop (an exited process): the promise
 * rejects with it. For racing a readiness wait, so a dead process does not cost the whole timeout.
 */
export function watchByPolling(check: () => Promise<Error | undefined>, everyMs = 2000): { exited: Promise<never>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const exited = new Promise<never>((_, reject) => {
    const poll = async () => {
      if (stopped) return;
      const why = await check();
      if (stopped) return;
      if (why) return reject(why);
      timer = setTimeout(poll, everyMs);
    };
    timer = setTimeout(poll, everyMs);
  });
  exited.catch(() => undefined);
  return {
    exited,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
