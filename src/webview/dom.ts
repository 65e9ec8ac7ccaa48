// Tiny DOM builders. Text only ever goes in through textContent (never HTML), so prompts and API
// strings cannot inject markup (DESIGN.md rule 9; lint forbids innerHTML here).

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  class?: string;
  text?: string;
  /** Attributes, set with setAttribute (values are never parsed as HTML). */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** `data-*` attributes (camelCase keys). */
  data?: Record<string, string | number | undefined>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      if (value === undefined || value === false) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (options.data) {
    for (const [name, value] of Object.entries(options.data)) if (value !== undefined) node.dataset[name] = String(value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A button with a visible label and an accessible name. */
export function button(label: string, options: ElementOptions & { title?: string; action?: string } = {}): HTMLButtonElement {
  const attrs = { type: 'button', title: options.title, 'aria-label': options.title ?? undefined, ...options.attrs };
  const data = options.action === undefined ? options.data : { ...options.data, action: options.action };
  return el('button', { ...options, text: label, attrs, data });
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A small stroked icon from path data (built with createElementNS, no markup strings). */
export function icon(paths: string[], size = 16): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export const ICONS = {
  close: ['M6 6l12 12', 'M18 6L6 18'],
  left: ['M15 5l-7 7 7 7'],
  right: ['M9 5l7 7-7 7'],
  heart: ['M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'],
  copy: ['M9 9h10v10H9z', 'M5 15V5h10'],
  file: ['M6 3h8l4 4v14H6z', 'M14 3v4h4'],
  save: ['M5 4h11l3 3v13H5z', 'M8 4v5h7V4', 'M8 20v-6h8v6'],
  source: ['M8 6l-5 6 5 6', 'M16 6l5 6-5 6'],
  seed: ['M12 20v-8', 'M12 12c0-4 3-7 7-7 0 4-3 7-7 7z', 'M12 14c0-3-2.5-5.5-6-5.5 0 3 2.5 5.5 6 5.5z'],
  retry: ['M4 12a8 8 0 0 1 14-5.3', 'M18 3v4h-4', 'M20 12a8 8 0 0 1-14 5.3', 'M6 21v-4h4'],
  stop: ['M7 7h10v10H7z'],
  sparkle: ['M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8z'],
  search: ['M11 4a7 7 0 1 1 0 14 7 7 0 0 1 0-14z', 'M20 20l-4-4'],
  open: ['M14 4h6v6', 'M20 4l-9 9', 'M18 14v6H4V6h6'],
  play: ['M8 5v14l11-7z'],
  brush: ['M4 20c2 0 4-1 4-3a2 2 0 0 0-4 0', 'M8 17L20 5'],
} as const;

export function clear(node: Element): void {
  while (node.firstChild) node.firstChild.remove();
}
