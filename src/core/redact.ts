// Masks secrets in text that may reach a log, an error message or a file (DESIGN.md rule 8).
// Used by the host's logger, the CLI and the API client for every server text it repeats.

const MASK = '***';

/** useapi API tokens: `user:<digits>-<alphanumerics>` (CONTRACT.md §9.1). */
const USEAPI_TOKEN = /\buser:\d+-[A-Za-z0-9]+/g;
/** Discord tokens: three base64url parts joined by dots, the whole thing ≥ 50 characters (§9.2). */
const DISCORD_TOKEN = /\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}\b/g;
/** `Bearer <anything>` as it appears in headers and dumped requests. */
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
/** `"discord": "<token>"` in a dumped request body, whatever the token looks like. */
const DISCORD_FIELD = /("discord"\s*:\s*")[^"]*(")/g;

/**
 * Returns `text` with useapi tokens, Discord tokens, Bearer credentials and every string in
 * `knownSecrets` replaced by `***`.
 */
export function redactSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Short strings would mask ordinary words; real secrets are long.
    if (secret.length >= 8) out = out.split(secret).join(MASK);
  }
  return out
    .replace(BEARER, `$1 ${MASK}`)
    .replace(USEAPI_TOKEN, MASK)
    .replace(DISCORD_FIELD, `$1${MASK}$2`)
    .replace(DISCORD_TOKEN, MASK);
}

/** Redacts a value of any shape (error, object, string) into a single safe line of text. */
export function redactValue(value: unknown, knownSecrets: Iterable<string> = []): string {
  let text: string;
  if (value instanceof Error) text = value.stack ?? `${value.name}: ${value.message}`;
  else if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return redactSecrets(text, knownSecrets);
}

/**
 * Secrets learned at run time (a token typed by the user, a Discord token being sent). One instance per
 * composition root (extension, CLI); pass it as `knownSecrets`.
 */
export class SecretRegistry implements Iterable<string> {
  private readonly secrets = new Set<string>();

  /** Adds a secret; returns a function that forgets it. Strings under 8 characters are ignored. */
  register(secret: string): () => void {
    const trimmed = secret.trim();
    if (trimmed.length < 8) return () => undefined;
    this.secrets.add(trimmed);
    return () => this.secrets.delete(trimmed);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.secrets.values();
  }
}
