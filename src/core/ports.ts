// What core/ needs from its host. The extension implements these with VS Code APIs, the CLI with
// plain Node, and tests with small fakes. Nothing in core/ reaches past these interfaces.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** Where the useapi token comes from (SecretStorage in the extension, USEAPI_TOKEN in the CLI). */
export interface TokenSource {
  /** The current token, or undefined when none is configured. */
  getToken(): Promise<string | undefined>;
  /** Called when the token changes (set, cleared, or changed in another window). */
  onDidChange?(listener: () => void): { dispose(): void };
}

/** A small persistent key-value store (extension globalState / a JSON file for the CLI). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): Promise<void>;
  keys(): readonly string[];
}

/** Time, injectable so tests and the simulator can run on a scaled or manual clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
