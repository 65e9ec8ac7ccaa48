// Format checks for the two secrets the user types in (CONTRACT.md §9). Pure: no vscode, so the
// rules are unit-tested in plain Node. A failed check returns the message shown in the input box.

const API_TOKEN = /^user:\d+-[A-Za-z0-9]+$/;
const DISCORD_TOKEN = /^[A-Za-z0-9._-]+$/;

/** Undefined when `value` looks like a useapi.net API token, else why not. */
export function checkApiToken(value: string): string | undefined {
  const token = value.trim();
  if (token.length === 0) return 'The API token cannot be empty.';
  if (!API_TOKEN.test(token)) return 'A useapi.net API token looks like user:1234-AbCdEf… (user:, digits, a dash, letters and digits).';
  if (token.length < 20) return 'This API token is too short to be valid.';
  return undefined;
}

/** Undefined when `value` looks like a Discord user token, else why not. */
export function checkDiscordToken(value: string): string | undefined {
  const token = value.trim();
  if (token.length === 0) return 'The Discord token cannot be empty.';
  if (!DISCORD_TOKEN.test(token)) return 'A Discord token contains only letters, digits, dots, dashes and underscores.';
  if (token.length < 50) return 'This Discord token is too short (at least 50 characters).';
  return undefined;
}
