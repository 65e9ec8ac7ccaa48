// A faithful local stand-in for the useapi.net Midjourney API v3 (CONTRACT.md), bundled to dist/simulator.js.
// The extension starts it in-process as its offline backend; `mj-studio simulator` runs it standalone.
// Nothing happens at import time.
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock } from '../core/ports';
import { createAdmin, type SimulatorAdmin } from './admin';
import { SimTime, type SimClock } from './clock';
import { MediaStore } from './media';
import { Random } from './random';
import { SimulatorHttp } from './server';
import { MidjourneyService } from './service';

export type { SimulatorAdmin } from './admin';
export type { SimClock } from './clock';
export type { ForcedOutcome, SimulatorCounters } from './service';

export interface SimulatorOptions {
  /** 0 / undefined = pick a free port. */
  port?: number;
  /** Default 127.0.0.1; wildcard addresses are refused. */
  host?: string;
  /** 1 = contract timings, 0.01 for tests. */
  timeScale?: number;
  /** Deterministic ids, timings and pictures. */
  seed?: number;
  /** Pre-configured channels (default 1). */
  accounts?: number;
  /** Limits of the pre-configured channels (default 3; image/video default to min(maxJobs, 12)). */
  maxJobs?: number;
  maxImageJobs?: number;
  maxVideoJobs?: number;
  /** Injectable clock {now(), setTimeout(fn, ms) → {cancel()}}. */
  clock?: SimClock;
  /** Share of completed grids whose content has the promo footer line (0..1, default 0.5). */
  promoFooterRate?: number;
  /** If set, only these tokens (plus the demo token) authenticate; default any `user:<digits>-<alnum>`. */
  acceptedTokens?: string[];
  /** Pixels on the long side of rendered singles, 8–512 (default 512); small values make load tests cheaper. */
  mediaLongSide?: number;
}

export interface RunningSimulator {
  /** Origin, e.g. http://127.0.0.1:41234 (clients append /v3/midjourney/... and /v1/proxy/...). */
  url: string;
  port: number;
  /** An obviously fake token that authenticates. */
  demoToken: string;
  /** In-process control, same as the HTTP /__sim/ interface. */
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

export const DEMO_TOKEN = 'user:1-simulatorDemoToken0000';

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (host === '0.0.0.0' || host === '::' || host === '') throw new Error('The simulator binds to a loopback address only (default 127.0.0.1)');
  const timeScale = options.timeScale !== undefined && options.timeScale > 0 ? options.timeScale : options.timeScale === undefined ? 1 : 0.0001;
  const time = new SimTime(options.clock ?? systemClock, timeScale);
  const random = new Random(options.seed ?? randomInt(0, 2 ** 31));
  let origin = '';
  const service = new MidjourneyService({
    time,
    random,
    origin: () => origin,
    accounts: options.accounts ?? 1,
    maxJobs: options.maxJobs,
    maxImageJobs: options.maxImageJobs,
    maxVideoJobs: options.maxVideoJobs,
    promoFooterRate: options.promoFooterRate ?? 0.5,
    acceptedTokens: options.acceptedTokens ? [...options.acceptedTokens, DEMO_TOKEN] : undefined,
  });
  const admin = createAdmin(service, time);
  const longSide = options.mediaLongSide === undefined ? undefined : Math.min(512, Math.max(8, Math.round(options.mediaLongSide)));
  const http = new SimulatorHttp(service, new MediaStore(undefined, longSide), time, admin);
  const server = createServer((req, res) => http.handle(req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url: origin,
    port,
    demoToken: DEMO_TOKEN,
    admin,
    close() {
      closed ??= new Promise<void>((resolve) => {
        service.stopAll();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const CLI_USAGE = `usage: mj-studio simulator [--port <p>] [--time-scale <x>] [--seed <n>] [--accounts <n>] [--max-jobs <n>] [--idle-exit-seconds <n>]
  --port               port on 127.0.0.1 (default: a free one)
  --time-scale         1 = real timings (default), 0.01 = a hundred times faster
  --seed               deterministic ids, timings and pictures
  --accounts           pre-configured channels (default 1)
  --max-jobs           concurrent jobs per channel (default 3)
  --idle-exit-seconds  exit after n seconds without requests and running jobs (default: never)`;

export type SimulatorCliOptions = SimulatorOptions & { help?: boolean; idleExitSeconds?: number };

/** Parse `mj-studio simulator` arguments; throws with a usage message on bad input. */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorCliOptions {
  const options: SimulatorCliOptions = {};
  const number = (flag: string, value: string | undefined, integer: boolean): number => {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) {
      throw new Error(`${flag} needs a ${integer ? 'non-negative integer' : 'positive number'}\n${CLI_USAGE}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = number(flag, value(), true);
        break;
      case '--time-scale':
        options.timeScale = number(flag, value(), false);
        if (options.timeScale === 0) throw new Error(`--time-scale must be greater than 0\n${CLI_USAGE}`);
        break;
      case '--seed':
        options.seed = number(flag, value(), true);
        break;
      case '--accounts':
        options.accounts = number(flag, value(), true);
        break;
      case '--max-jobs':
        options.maxJobs = number(flag, value(), true);
        if (options.maxJobs < 1 || options.maxJobs > 15) throw new Error(`--max-jobs must be between 1 and 15\n${CLI_USAGE}`);
        break;
      case '--idle-exit-seconds':
        options.idleExitSeconds = number(flag, value(), false);
        if (options.idleExitSeconds === 0) throw new Error(`--idle-exit-seconds must be greater than 0\n${CLI_USAGE}`);
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n${CLI_USAGE}`);
    }
  }
  return options;
}

/** `mj-studio simulator ...`: prints the origin and demo token, runs until SIGINT/SIGTERM. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  const { help, idleExitSeconds, ...options } = parseSimulatorArgs(argv);
  if (help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  const simulator = await startSimulator(options);
  process.stdout.write(`listening on ${simulator.url}\n`);
  process.stdout.write(`demo token: ${simulator.demoToken}\n`);
  process.stdout.write(`channels: ${simulator.admin.channels().join(', ') || '(none)'}\n`);
  await new Promise<void>((resolve) => {
    let idleTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(idleTimer);
      simulator.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (idleExitSeconds !== undefined) idleTimer = exitWhenIdle(simulator.admin, idleExitSeconds * 1000, stop);
  });
}

/**
 * A detached simulator (the extension's demo backend, which outlives window reloads) must not live
 * forever: stop once no request arrived and no job ran for `idleMs` (checked from the counters).
 */
function exitWhenIdle(admin: SimulatorAdmin, idleMs: number, stop: () => void): NodeJS.Timeout {
  const running = new Set(['created', 'started', 'progress']);
  let lastActivity = Date.now();
  let lastRequests = -1;
  return setInterval(() => {
    const counters = admin.counters();
    const requests = Object.values(counters.requests).reduce((a, b) => a + b, 0);
    const busy = Object.entries(counters.jobsByState).some(([state, n]) => running.has(state) && n > 0);
    if (requests !== lastRequests || busy) {
      lastRequests = requests;
      lastActivity = Date.now();
    } else if (Date.now() - lastActivity >= idleMs) {
      process.stdout.write(`idle for ${Math.round(idleMs / 1000)} s: exiting\n`);
      stop();
    }
  }, Math.min(idleMs, 5_000));
}
