// `mj-studio`: the command-line face of Midjourney Studio (bundled to dist/cli.js).
import { redactSecrets } from '../core/redact';
import { CliUsageError } from './backend';
import { blendCommand, buttonCommand, cancelCommand, describeCommand, describeFailure, imagineCommand, jobsCommand, runPromptsFile } from './commands';
import type { CliIo } from './io';
import { EXIT_INTERRUPTED, EXIT_JOBS_FAILED, EXIT_OK, EXIT_USAGE, processIo } from './io';
import { loadSimulator } from './simulator-loader';

export const USAGE = `usage: mj-studio <command> [options]

  run <file.prompts>         run every prompt of a file, save results with provenance sidecars
  check <file.prompts>       check a prompts file (no network)
  expand <file.prompts>      print the jobs a prompts file would send (no network)
  imagine "<prompt>"         one imagine job
  describe <image|url>       four prompts for an image
  blend <image> <image>...   blend 2–5 images [--dimensions Portrait|Square|Landscape]
  button <jobid> <label>     press a button (U1, V2, 🔄, Upscale (Subtle), …) [--prompt text]
  jobs [--local]             running jobs per channel (or the local history)
  cancel <jobid>             cancel a running job
  simulator [--port p]       run the built-in useapi.net simulator

options:
  --out <dir>                where results go (default ./midjourney)
  --pattern <pattern>        file name pattern (default {date}/{block}-{prompt}-{index})
  --api-base <url>           server origin, e.g. https://api.useapi.net (token from USEAPI_TOKEN)
  --channel <id>             pin jobs to a channel
  --json                     one JSON object per finished job and a final report
  --state <dir>              state and download cache (default ./.mj-studio)
  --defaults "<params>"      parameters added to prompts that lack them (run; else MJ_STUDIO_DEFAULTS)
  --time-scale <x>           run the built-in simulator and the engine's waits x times real time
                             (e.g. 0.01 for demos and tests against a scaled simulator)
  --sse                      follow jobs by their event stream (fewer requests; a stopped run cannot be resumed)
  --delay <seconds>          run: wait this long between two submissions of the batch
  --sequential               run: send the next prompt only when the previous one has finished
  --autopilot                run: an AI model picks the best of each grid and upscales it (MJ_AI_MODEL,
                             MJ_AI_KEY, MJ_AI_ENDPOINT: any OpenAI-compatible endpoint); --autopilot-animate
                             also animates the pick. '@autopilot' in a file does this for its prompts only
  -v, --verbose              log requests and retries to stderr

Without USEAPI_TOKEN and --api-base, jobs run against the built-in simulator (nothing leaves the machine).
Exit codes: 0 all jobs completed, 1 some job did not complete, 2 usage or prompts-file errors, 130 interrupted.`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runPromptsFile,
  imagine: imagineCommand,
  describe: describeCommand,
  blend: blendCommand,
  button: buttonCommand,
  jobs: jobsCommand,
  cancel: cancelCommand,
  check: async (argv, io) => (await import('./prompts')).runCheck(argv, outputOf(io)),
  expand: async (argv, io) => (await import('./prompts')).runExpand(argv, outputOf(io)),
  simulator: async (argv) => {
    await loadSimulator().runSimulatorCli(argv);
    return EXIT_OK;
  },
};

function outputOf(io: CliIo): { out(line: string): void; err(line: string): void } {
  return { out: (line) => io.stdout.write(`${line}\n`), err: (line) => io.stderr.write(`${line}\n`) };
}

/** Runs one command; returns the exit code. Errors become one redacted line on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (io.signal?.aborted) return EXIT_INTERRUPTED;
    const token = io.env.USEAPI_TOKEN ? [io.env.USEAPI_TOKEN] : [];
    io.stderr.write(`mj-studio ${name}: ${redactSecrets(describeFailure(error), token)}\n`);
    return error instanceof CliUsageError ? EXIT_USAGE : EXIT_JOBS_FAILED;
  }
}

/** Process entry: Ctrl-C stops following (nothing is cancelled on the service); a second one exits at once. */
async function main(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    controller.abort(new Error('interrupted'));
  });
  const code = await runCli(process.argv.slice(2), processIo(controller.signal));
  process.exitCode = code;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = EXIT_JOBS_FAILED;
  });
}
