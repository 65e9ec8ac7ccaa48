// A KeyValueStore backed by one JSON file, for the CLI: a killed and restarted run finds its queue and
// in-flight jobs here. Writes go to a temporary file first and are renamed over the old one.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyValueStore } from '../core/ports';

export class JsonFileKeyValueStore implements KeyValueStore {
  private readonly values: Map<string, unknown>;
  private writing: Promise<void> = Promise.resolve();

  /**
   * Reads `path` now (a missing file is an empty store). A file that is not a JSON object is moved aside to
   * `<path>.corrupt-<time>` (never overwritten: it may hold the only record of paid jobs) and `onProblem` is told.
   */
  constructor(
    private readonly path: string,
    onProblem: (message: string) => void = () => undefined,
  ) {
    this.values = new Map(Object.entries(readJson(path, onProblem)));
    mkdirSync(dirname(path), { recursive: true });
  }

  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  keys(): readonly string[] {
    return [...this.values.keys()];
  }

  set(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    const snapshot = JSON.stringify(Object.fromEntries(this.values));
    // Serialized: an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, snapshot, 'utf8');
      await rename(temporary, this.path);
    });
    return this.writing;
  }
}

function readJson(path: string, onProblem: (message: string) => void): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let problem: string;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problem = 'is not a JSON object';
  } catch (error) {
    // Not the parser's message: it quotes the file's bytes.
    problem = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
  }
  const aside = `${path}.corrupt-${Date.now()}`;
  try {
    renameSync(path, aside);
    onProblem(`The state file ${path} ${problem}; it was moved to ${aside} and a new one is started. Jobs recorded only there are not followed.`);
  } catch {
    onProblem(`The state file ${path} ${problem} and could not be moved aside; a new one replaces it.`);
  }
  return {};
}
