declare module 'integration-suites' {
  export function loadSuites(): void;
}
