// Identifiers in the real formats: job ids (CONTRACT.md §3.2), Discord snowflakes, DM channel ids.
import { createHash } from 'node:crypto';
import type { Random } from './random';

const DISCORD_EPOCH = 1420070400000n;

/** `j<MMDDhhmmss><mmm><6 digits><i|v|>-u<user>-c<channel>-bot:midjourney`; also returns the 19 digits (the nonce). */
export function makeJobId(simMs: number, letter: '' | 'i' | 'v', user: string, channel: string, random: Random): { jobid: string; digits: string } {
  const iso = new Date(simMs).toISOString(); // 2025-12-18T07:27:46.688Z
  const digits = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23) + random.digits(6);
  return { jobid: `j${digits}${letter}-u${user}-c${channel}-bot:midjourney`, digits };
}

export const JOB_ID_FORMAT = /^j(\d{19})([iv]?)-u(\d+)-c(\d{17,20})-bot:midjourney$/;

/** A Discord snowflake whose time part is `simMs`. */
export function snowflake(simMs: number, random: Random): string {
  const time = BigInt(Math.max(0, Math.floor(simMs))) - DISCORD_EPOCH;
  const low = BigInt(random.int(0, (1 << 22) - 1));
  return ((time << 22n) | low).toString();
}

/** A stable 18–19 digit id derived from text (the "discovered" DM channel of a Discord token). */
export function stableSnowflake(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  // Keep it in the range of real 2023–2025 snowflakes: 1 followed by 18 digits.
  const value = digest.readBigUInt64BE(0) % 10n ** 18n;
  return `1${value.toString().padStart(18, '0')}`;
}

/** `MTI...xyz`: first 3 + `...` + last 3 characters (CONTRACT.md §9.2). */
export function redactDiscordToken(token: string): string {
  return `${token.slice(0, 3)}...${token.slice(-3)}`;
}
