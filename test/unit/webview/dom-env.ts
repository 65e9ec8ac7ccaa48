// A jsdom window installed as the globals the webview code uses (document, HTMLElement…), removed again
// after each test so other suites run in plain Node.
import { JSDOM } from 'jsdom';

const GLOBALS = ['window', 'document', 'HTMLElement', 'Element', 'Node', 'Event', 'MouseEvent', 'KeyboardEvent', 'MessageEvent', 'getComputedStyle'] as const;

export function installDom(): { window: Window & typeof globalThis; restore(): void } {
  const dom = new JSDOM('<!DOCTYPE html><html><body data-view="gallery"><div id="app"></div></body></html>', { pretendToBeVisual: true });
  const target = globalThis as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value: (dom.window as unknown as Record<string, unknown>)[name], configurable: true, writable: true });
  }
  return {
    window: dom.window as unknown as Window & typeof globalThis,
    restore() {
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(globalThis, name, descriptor);
        else delete target[name];
      }
      dom.window.close();
    },
  };
}
