// The virtual grid: a tall spacer with one absolutely positioned row per job, and only the rows in
// (and just around) the viewport exist in the DOM. Rows are rebuilt only when their item object
// changes (the host sends a new object for every change) or the layout does.
import type { GalleryItem, ViewKind } from '../shared/galleryProtocol';
import { ICONS, button, el, icon } from './dom';
import { baseName, describeButton, isActive, isProblem, relativeTime, splitPrompt, statusText } from './format';
import { computeLayout, contentHeight, visibleRows, type GridLayout, type RowRange } from './windowing';

interface RenderedRow {
  element: HTMLElement;
  /** What the row shows (see rowSignature); equal signature = the element can be reused as is. */
  signature: string;
}

/** Everything a row displays, so a refetched but unchanged job keeps its element (and its images). */
export function rowSignature(item: GalleryItem | undefined): string {
  if (!item) return 'skeleton';
  return [
    item.id, item.updatedAt, item.status, item.progress ?? '', item.favourite, item.reason ?? '', item.prompt,
    item.assets.map((a) => a.thumb ?? a.full ?? '-').join(','), item.buttons.join(','), item.parentButton ?? '',
  ].join('|');
}

export interface GridEnvironment {
  view: ViewKind;
  itemAt(index: number): GalleryItem | undefined;
  now(): number;
}

export class VirtualGrid {
  readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly rows = new Map<number, RenderedRow>();
  private layout: GridLayout;
  private layoutKey = '';
  total = 0;

  constructor(private readonly env: GridEnvironment) {
    this.spacer = el('div', { class: 'spacer', attrs: { role: 'list', 'aria-label': 'Results, newest first' } });
    this.empty = el('div', { class: 'empty', attrs: { role: 'status' } });
    this.empty.hidden = true;
    this.scroller = el('div', { class: 'scroller', attrs: { tabindex: -1 } }, [this.spacer, this.empty]);
    this.layout = computeLayout(800, env.view);
  }

  get currentLayout(): GridLayout {
    return this.layout;
  }

  /** Render the rows visible for this viewport; returns the range rendered. */
  render(width: number, height: number, scrollTop: number): RowRange {
    const layout = computeLayout(width, this.env.view);
    const key = `${layout.mode}:${layout.tileSize}:${layout.rowHeight}:${layout.metaWidth}`;
    if (key !== this.layoutKey) {
      this.layout = layout;
      this.layoutKey = key;
      this.applyLayoutVariables();
      for (const [index, row] of this.rows) {
        row.element.remove();
        this.rows.delete(index);
      }
    }
    this.spacer.style.height = `${contentHeight(this.total, layout)}px`;
    const range = visibleRows(scrollTop, height, layout.rowHeight, this.total, 2, layout.padding);
    // Rows are matched by what they show, not by position: when a new job is added on top every
    // row moves down one place and is only re-positioned, not rebuilt.
    const reusable = new Map<string, RenderedRow[]>();
    for (const row of this.rows.values()) {
      const list = reusable.get(row.signature);
      if (list) list.push(row);
      else reusable.set(row.signature, [row]);
    }
    const next = new Map<number, RenderedRow>();
    for (let index = range.first; index < range.end; index++) {
      const item = this.env.itemAt(index);
      const signature = rowSignature(item);
      const candidates = reusable.get(signature);
      // Prefer the row already at this index (no move at all).
      const sameIndex = this.rows.get(index);
      let row = sameIndex && sameIndex.signature === signature && candidates?.includes(sameIndex) ? sameIndex : candidates?.[0];
      if (row && candidates) {
        candidates.splice(candidates.indexOf(row), 1);
        if (row.element.dataset.index !== String(index)) {
          row.element.dataset.index = String(index);
          this.place(row.element, index);
          for (const control of row.element.querySelectorAll<HTMLElement>('[data-index]')) control.dataset.index = String(index);
        }
      } else {
        row = { element: item ? this.buildRow(item, index) : this.buildSkeleton(index), signature };
        this.spacer.append(row.element);
      }
      // Only a window of the list exists: tell assistive technology where it is in the whole.
      row.element.setAttribute('aria-posinset', String(index + 1));
      row.element.setAttribute('aria-setsize', String(this.total));
      next.set(index, row);
    }
    for (const list of reusable.values()) for (const row of list) row.element.remove();
    this.rows.clear();
    for (const [index, row] of next) this.rows.set(index, row);
    return range;
  }

  showEmpty(text: string | undefined): void {
    this.empty.hidden = text === undefined;
    this.empty.textContent = text ?? '';
  }

  /** The element of a rendered row (for focus and tests). */
  rowElement(index: number): HTMLElement | undefined {
    return this.rows.get(index)?.element;
  }

  get renderedRowCount(): number {
    return this.rows.size;
  }

  private applyLayoutVariables(): void {
    const l = this.layout;
    const style = this.scroller.style;
    style.setProperty('--tile', `${l.tileSize}px`);
    style.setProperty('--gap', `${l.gap}px`);
    style.setProperty('--meta-w', `${l.metaWidth}px`);
    style.setProperty('--header-h', `${l.headerHeight}px`);
    style.setProperty('--row-h', `${l.rowHeight}px`);
    style.setProperty('--pad', `${l.padding}px`);
    style.setProperty('--content-w', `${l.contentWidth}px`);
    this.scroller.dataset.layout = l.mode;
  }

  private place(row: HTMLElement, index: number): void {
    row.style.transform = `translateY(${this.layout.padding + index * this.layout.rowHeight}px)`;
  }

  private buildSkeleton(index: number): HTMLElement {
    const tiles = el('div', { class: 'tiles' });
    for (let i = 0; i < 4; i++) tiles.append(el('div', { class: 'tile placeholder shimmer' }));
    const row = el('div', { class: 'job-row skeleton', attrs: { role: 'listitem', 'aria-busy': 'true', 'aria-label': 'Loading' }, data: { index } }, [
      tiles,
      el('div', { class: 'meta' }, [el('div', { class: 'line shimmer' }), el('div', { class: 'line short shimmer' })]),
    ]);
    this.place(row, index);
    return row;
  }

  private buildRow(item: GalleryItem, index: number): HTMLElement {
    const prompt = splitPrompt(item.prompt);
    const shortPrompt = prompt.text || item.prompt || item.id;
    const row = el('article', {
      class: `job-row status-${item.status}`,
      attrs: { role: 'listitem', 'aria-label': `${statusText(item)}: ${shortPrompt}` },
      data: { index, id: item.id },
    }, [this.buildTiles(item, index, shortPrompt), this.buildMeta(item, index, prompt.text, prompt.parameters)]);
    this.place(row, index);
    return row;
  }

  private buildTiles(item: GalleryItem, index: number, prompt: string): HTMLElement {
    const tiles = el('div', { class: 'tiles' });
    if (isProblem(item.status) && item.assets.length === 0) {
      tiles.append(el('div', { class: `notice notice-${item.status}` }, [
        el('span', { class: `badge badge-${item.status}`, text: statusText(item) }),
        el('p', { class: 'reason', text: item.reason ?? 'No reason was given.' }),
      ]));
      return tiles;
    }
    if (item.assets.length === 0) {
      for (let i = 0; i < 4; i++) {
        tiles.append(el('div', { class: `tile placeholder${isActive(item.status) ? ' shimmer' : ''}`, attrs: { 'aria-hidden': 'true' } }));
      }
      return tiles;
    }
    item.assets.forEach((asset, position) => {
      const label = item.assets.length > 1 ? `Open image ${position + 1} of ${item.assets.length}: ${prompt}` : `Open: ${prompt}`;
      const open = el('button', { class: 'tile-open', attrs: { type: 'button', 'aria-label': label }, data: { action: 'open', index, asset: position } });
      if (asset.kind === 'video' && asset.full) {
        open.append(el('video', { class: 'media', attrs: { src: asset.full, muted: true, loop: true, playsinline: true, preload: 'metadata', 'aria-hidden': 'true' } }));
        open.append(el('span', { class: 'video-mark', attrs: { 'aria-hidden': 'true' } }, [icon([...ICONS.play], 12)]));
      } else if (asset.thumb ?? asset.full) {
        open.append(el('img', { class: 'media', attrs: { src: asset.thumb ?? asset.full, alt: '', loading: 'lazy', decoding: 'async', draggable: 'false' } }));
      } else {
        open.append(el('span', { class: 'tile-wait', text: 'Downloading…' }));
      }
      const tile = el('div', { class: `tile kind-${asset.kind}` }, [open]);
      // Quick actions for this quadrant, only when the job offers them.
      const quick = el('div', { class: 'tile-actions' });
      if (asset.kind === 'image' && item.assets.length > 1) {
        for (const prefix of ['U', 'V'] as const) {
          const label = `${prefix}${asset.index}`;
          if (item.buttons.includes(label)) {
            quick.append(button(label, { class: 'chip-button', title: describeButton(label), data: { action: 'press', index, label } }));
          }
        }
      }
      if (quick.childElementCount > 0) tile.append(quick);
      tiles.append(tile);
    });
    return tiles;
  }

  private buildMeta(item: GalleryItem, index: number, promptText: string, parameters: { name: string; value: string }[]): HTMLElement {
    const facts = el('div', { class: 'facts' }, [
      el('span', { class: `badge badge-${item.status}`, text: statusText(item) }),
      el('span', { class: 'fact', text: relativeTime(item.createdAt, this.env.now()), attrs: { title: new Date(item.createdAt).toLocaleString() } }),
      item.parentButton ? el('span', { class: 'fact lineage-fact', text: `from ${item.parentButton}` }) : null,
      item.video ? el('span', { class: 'fact', text: 'video' }) : null,
    ]);
    const meta = el('div', { class: 'meta' }, [
      el('p', { class: 'prompt', text: promptText || item.prompt || '(no prompt)', attrs: { title: item.prompt } }),
    ]);
    if (parameters.length > 0 && this.layout.mode !== 'compact') {
      meta.append(el('div', { class: 'params' }, parameters.slice(0, 6).map((p) => el('span', { class: 'param', text: p.value ? `--${p.name} ${p.value}` : `--${p.name}` }))));
    }
    meta.append(facts);
    if (isActive(item.status)) {
      const value = Math.round(item.progress ?? 0);
      const bar = el('div', { class: 'progress', attrs: { role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value } }, [el('div', { class: 'progress-fill' })]);
      (bar.firstChild as HTMLElement).style.width = `${item.status === 'running' ? Math.max(3, value) : 0}%`;
      if (item.status !== 'running') bar.classList.add('indeterminate');
      meta.append(bar);
    }
    if (isProblem(item.status) && item.assets.length > 0 && item.reason) meta.append(el('p', { class: 'reason', text: item.reason }));
    const actions = el('div', { class: 'row-actions' });
    const favourite = button('', { class: `icon-button favourite${item.favourite ? ' on' : ''}`, title: item.favourite ? 'Remove from favourites' : 'Add to favourites', data: { action: 'favourite', index }, attrs: { 'aria-pressed': item.favourite ? 'true' : 'false' } });
    favourite.append(icon([...ICONS.heart]));
    actions.append(favourite);
    if (item.source && this.layout.mode !== 'compact') {
      const source = button('', { class: 'icon-button', title: `Reveal ${baseName(item.source.file)}:${item.source.line + 1}`, data: { action: 'revealSource', index } });
      source.append(icon([...ICONS.source]));
      actions.append(source);
    }
    if (isActive(item.status)) {
      const cancel = button('', { class: 'icon-button', title: 'Cancel job', data: { action: 'cancelJob', index } });
      cancel.append(icon([...ICONS.stop]));
      actions.append(cancel);
    }
    if (isProblem(item.status)) {
      const retry = button('', { class: 'icon-button', title: 'Retry job', data: { action: 'retryJob', index } });
      retry.append(icon([...ICONS.retry]));
      actions.append(retry);
    }
    meta.append(actions);
    return meta;
  }
}
