// Where the CLI's jobs go: USEAPI_TOKEN (+ --api-base) for the real service, or the built-in simulator
// when neither is given. Builds the same engine the extension uses, with a JSON-file state store.
import { join, resolve } from 'node:path';
import { createJobEngine } from '../core/jobs/engine';
import type { JobEngine, JobEngineOptions } from '../core/jobs/engine';
import type { Logger, LogLevel } from '../core/ports';
import { SecretRegistry, redactSecrets } from '../core/redact';
import { JsonFileKeyValueStore } from './kv-file';
import { loadSimulator } from './simulator-loader';

export const DEFAULT_API_BASE = 'https://api.useapi.net';

export interface BackendOptions {
  apiBase?: string;
  /** Directory for state and the download cache (default `.mj-studio` in the working directory). */
  stateDir?: string;
  /** Time scale of the built-in simulator (default 1 = real timings). */
  simulatorTimeScale?: number;
  verbose?: boolean;
  engineOptions?: JobEngineOptions;
  env?: NodeJS.ProcessEnv;
  stderr?: NodeJS.WritableStream;
}

export interface Backend {
  engine: JobEngine;
  /** 'simulator' when the built-in simulator serves the jobs. */
  kind: 'service' | 'simulator';
  origin: string;
  stateDir: string;
  logger: Logger;
  secrets: SecretRegistry;
  kv: JsonFileKeyValueStore;
  close(): Promise<void>;
}

export class CliUsageError extends Error {}

export async function openBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const secrets = new SecretRegistry();
  const token = env.USEAPI_TOKEN?.trim() || undefined;
  if (token) secrets.register(token);
  const logger = createStderrLogger(stderr, options.verbose ? 'debug' : 'warn', secrets);
  const stateDir = resolve(options.stateDir ?? '.mj-studio');
  let origin: string;
  let tokenValue: string;
  let closeSimulator: (() => Promise<void>) | undefined;
  let kind: Backend['kind'] = 'service';
  if (!token && !options.apiBase) {
    const simulator = await loadSimulator().startSimulator({ timeScale: options.simulatorTimeScale ?? 1 });
    origin = simulator.url;
    tokenValue = simulator.demoToken;
    closeSimulator = () => simulator.close();
    kind = 'simulator';
    logger.info(`no USEAPI_TOKEN: using the built-in simulator at ${origin}`);
  } else {
    if (!token) throw new CliUsageError('USEAPI_TOKEN is not set (needed with --api-base).');
    origin = checkOrigin(options.apiBase ?? DEFAULT_API_BASE);
    tokenValue = token;
  }
  // A simulator's jobs vanish with it: keep its state apart so a real run's history stays clean.
  const kv = new JsonFileKeyValueStore(join(stateDir, kind === 'simulator' ? 'state-simulator.json' : 'state.json'), (message) => stderr.write(`warning: ${message}\n`));
  const engine = createJobEngine({
    apiBaseUrl: origin,
    tokens: { getToken: async () => tokenValue },
    kv,
    logger,
    media: { cacheDir: join(stateDir, 'cache') },
    options: { autoDownload: false, ...options.engineOptions },
    knownSecrets: secrets,
  });
  return {
    engine,
    kind,
    origin,
    stateDir,
    logger,
    secrets,
    kv,
    async close() {
      await engine.dispose();
      await closeSimulator?.();
    },
  };
}

function checkOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(`--api-base must be an origin such as ${DEFAULT_API_BASE}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError('--api-base must use http or https');
  if (url.pathname !== '/' && url.pathname !== '') throw new CliUsageError(`--api-base is the server origin (e.g. ${DEFAULT_API_BASE}); the client appends /v3/midjourney itself`);
  return url.origin;
}

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** A logger writing redacted lines to stderr at `level` and above. */
export function createStderrLogger(stream: NodeJS.WritableStream, level: LogLevel, secrets: Iterable<string>): Logger {
  const threshold = LEVELS.indexOf(level);
  const write = (at: LogLevel, message: string | Error, args: unknown[]): void => {
    if (LEVELS.indexOf(at) < threshold) return;
    const text = [message instanceof Error ? message.message : message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))].join(' ');
    stream.write(`${at === 'info' ? '' : `${at}: `}${redactSecrets(text, secrets)}\n`);
  };
  return {
    trace: (m, ...a) => write('trace', m, a),
    debug: (m, ...a) => write('debug', m, a),
    info: (m, ...a) => write('info', m, a),
    warn: (m, ...a) => write('warn', m, a),
    error: (m, ...a) => write('error', m, a),
  };
}
