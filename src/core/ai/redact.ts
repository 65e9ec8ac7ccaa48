// Keeps secrets out of anything shown or logged: the key itself, any long piece of it an endpoint
// echoes back ("Incorrect API key provided: sk-test-fake…"), and bearer credentials.

const MIN_FRAGMENT = 8;

export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join('[redacted]');
    if (secret.length >= MIN_FRAGMENT) {
      // Runs of key-like characters that are a long enough piece of the secret.
      out = out.replace(/[A-Za-z0-9_\-.]{8,}/g, (run) => (secret.includes(run) ? '[redacted]' : run));
    }
  }
  return out.replace(/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]');
}
