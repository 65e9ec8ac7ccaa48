// Simulated time. Contract delays are in simulated milliseconds; timers wait `delay × timeScale` real
// milliseconds on the injected clock, and timestamps in job objects advance at the simulated rate, so a
// 30-second render at time scale 0.01 still reads 30 s apart in `created`/`updated`.
import type { Clock } from '../core/ports';

export type SimClock = Clock;

export interface Timer {
  cancel(): void;
}

export class SimTime {
  private readonly realStart: number;
  private readonly simStart: number;
  /** Extra simulated time added by the admin interface (e.g. to reach the 62-day expiry). */
  private offsetMs = 0;

  constructor(
    private readonly clock: SimClock,
    readonly timeScale: number,
  ) {
    this.realStart = clock.now();
    this.simStart = this.realStart;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.simStart + (this.clock.now() - this.realStart) / this.timeScale + this.offsetMs;
  }

  /** Run `fn` after `simMs` simulated milliseconds. */
  after(simMs: number, fn: () => void): Timer {
    return this.clock.setTimeout(fn, Math.max(0, simMs * this.timeScale));
  }

  /** Run `fn` after `realMs` real milliseconds (faults such as slow responses are not scaled). */
  afterReal(realMs: number, fn: () => void): Timer {
    return this.clock.setTimeout(fn, Math.max(0, realMs));
  }

  advance(simMs: number): void {
    this.offsetMs += simMs;
  }
}

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** Discord's timestamp format: `2025-12-18T07:28:29.227000+00:00`. */
export function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** SSE `ts`: UTC time of day `HH:MM:SS.mmm`. */
export function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `mm:ss` for GET /jobs `elapsed`. */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}
