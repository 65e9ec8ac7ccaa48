// Shared pieces of the security tests: captured CLI io, a directory walk, and the simulator's count of job POSTs.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../src/cli/io';
import type { RunningSimulator } from '../../../src/simulator';

export interface Captured {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

export function capture(cwd: string, env: NodeJS.ProcessEnv = {}): Captured {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return { io: { stdout: out, stderr: err, env, cwd }, stdout: () => stdout, stderr: () => stderr };
}

/** Every file under `dir` (recursively). */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else found.push(join(d, entry.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** Job-creating POSTs the simulator received (whatever it answered). */
export function jobPosts(sim: RunningSimulator): number {
  return Object.entries(sim.admin.counters().requests)
    .filter(([endpoint]) => endpoint.startsWith('POST /jobs/'))
    .reduce((sum, [, n]) => sum + n, 0);
}
