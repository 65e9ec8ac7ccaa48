// Loads the simulator only when a command needs it. In the bundle it is dist/simulator.js beside
// dist/cli.js (external to cli.js); from source (tsx) it is src/simulator.
import type * as SimulatorModule from '../simulator';

export type { SimulatorModule };

export function loadSimulator(): typeof SimulatorModule {
  // Variables keep esbuild from bundling either path; each attempt is resolved at run time.
  const bundled = './simulator.js';
  const source = '../simulator';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time on purpose
    return require(bundled) as typeof SimulatorModule;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at run time on purpose
    return require(source) as typeof SimulatorModule;
  }
}
