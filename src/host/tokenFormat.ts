// Format checks for what the user types in for an account: the two secrets (CONTRACT.md §9) and the
// channel limits (§2 row 1). Pure: no vscode, so the
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

/** Channel limits as the service accepts them: maxJobs 1–15, image/video 1–12 and at most maxJobs. */
export function checkAccountLimits(input: { maxJobs?: number; maxImageJobs?: number; maxVideoJobs?: number }): string | undefined {
  const { maxJobs = 3, maxImageJobs = 3, maxVideoJobs = 3 } = input;
  const whole = (n: number, lo: number, hi: number): boolean => Number.isInteger(n) && n >= lo && n <= hi;
  if (!whole(maxJobs, 1, 15)) return 'maxJobs must be from 1 to 15.';
  if (!whole(maxImageJobs, 1, 12) || maxImageJobs > maxJobs) return 'maxImageJobs must be from 1 to 12 and at most maxJobs.';
  if (!whole(maxVideoJobs, 1, 12) || maxVideoJobs > maxJobs) return 'maxVideoJobs must be from 1 to 12 and at most maxJobs.';
  return undefined;
}
