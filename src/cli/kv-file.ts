// A KeyValueStore backed by one JSON file, for the CLI: a killed and restarted run finds its queue and
// in-flight jobs here. Writes go to a temporary file first and are renamed over the old one.
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyValueStore } from '../core/ports';

export class JsonFileKeyValueStore implements KeyValueStore {
  private readonly values: Map<string, unknown>;
  private writing: Promise<void> = Promise.resolve();

  /** Reads `path` now (a missing or unreadable file is an empty store). */
  constructor(private readonly path: string) {
    this.values = new Map(Object.entries(readJson(path)));
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

function readJson(path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
