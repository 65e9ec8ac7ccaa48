// Which server the extension talks to: the built-in simulator (demo mode) or a useapi.net-compatible
// server. Pure decision, so it is unit-tested; starting the simulator lives in demo.ts.

export type DemoMode = 'auto' | 'always' | 'never';

export const USEAPI_ORIGIN = 'https://api.useapi.net';

export type BackendChoice =
  | { kind: 'simulator' }
  | { kind: 'useapi'; url: string }
  /** demoMode "never" and no token: the user must set one first. */
  | { kind: 'needsToken' };

export function chooseBackend(demoMode: DemoMode, apiBaseUrl: string, hasToken: boolean): BackendChoice {
  if (demoMode === 'always') return { kind: 'simulator' };
  if (!hasToken) return demoMode === 'never' ? { kind: 'needsToken' } : { kind: 'simulator' };
  const origin = apiBaseUrl.trim().replace(/\/+$/, '');
  return { kind: 'useapi', url: origin || USEAPI_ORIGIN };
}

/** A key that changes exactly when a different engine is needed. */
export function backendKey(choice: BackendChoice): string {
  return choice.kind === 'useapi' ? `useapi:${choice.url}` : choice.kind;
}
