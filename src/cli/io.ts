// The CLI's connection to the outside world, injectable so tests can run commands in-process.
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C: commands stop following jobs (nothing is cancelled) and exit 130. */
  signal?: AbortSignal;
}

export function processIo(signal?: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal };
}

export const EXIT_OK = 0;
/** Some job did not complete. */
export const EXIT_JOBS_FAILED = 1;
/** Bad arguments, or the prompts file has errors. */
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
