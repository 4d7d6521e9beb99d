/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  environment: 3,
  badInput: 4,
  sandboxFailed: 5,
  interrupted: 130,
} as const;

/** An error meant for the user: one line, and the exit code that goes with it. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
