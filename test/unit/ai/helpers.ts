import type { Logger } from '../../../src/core/ports';

export const FAKE_KEY = 'sk-test-fake-key-0000-abcdefghijklmnop';

/** A Logger that keeps every line (message and arguments) for leak checks. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string | Error, args: unknown[]) =>
    lines.push([message instanceof Error ? `${message.message} ${message.stack ?? ''}` : message, ...args.map((a) => JSON.stringify(a))].join(' '));
  return {
    lines,
    trace: (m, ...a) => keep(m, a),
    debug: (m, ...a) => keep(m, a),
    info: (m, ...a) => keep(m, a),
    warn: (m, ...a) => keep(m, a),
    error: (m, ...a) => keep(m, a),
  };
}

/** Four distinct tiny "images" (the fake server never decodes them). */
export function fourImages(contentType = 'image/jpeg'): { bytes: Uint8Array; contentType: string }[] {
  return [1, 2, 3, 4].map((n) => ({ bytes: new Uint8Array([0xff, 0xd8, n, n, n]), contentType }));
}
