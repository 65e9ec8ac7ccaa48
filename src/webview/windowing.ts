// Windowing math of the virtual grid: one row per job, every row the same height for a given width,
// so the visible range, the scroll height and the pages to fetch are plain arithmetic.
import type { ViewKind } from '../shared/galleryProtocol';

export interface GridLayout {
  /** wide: tiles left, prompt column right; stacked: prompt above four tiles; compact: sidebar 2×2. */
  mode: 'wide' | 'stacked' | 'compact';
  padding: number;
  gap: number;
  tileSize: number;
  /** Tiles per line inside a job row. */
  columns: number;
  /** Lines of tiles inside a job row. */
  tileLines: number;
  /** Width of the prompt column (wide mode), else 0. */
  metaWidth: number;
  /** Height of the prompt header above the tiles (stacked/compact), else 0. */
  headerHeight: number;
  /** Height of one job row including the space below it. */
  rowHeight: number;
  /** Width the content actually uses (it is centred when the panel is wider). */
  contentWidth: number;
}

const WIDE_MIN_WIDTH = 860;
const MAX_TILE = 340;
const MIN_TILE = 48;

export function computeLayout(viewportWidth: number, view: ViewKind): GridLayout {
  const width = Math.max(160, Math.floor(viewportWidth));
  if (view === 'latest') {
    const padding = 10, gap = 4, headerHeight = 48;
    const tileSize = Math.max(MIN_TILE, Math.floor((width - 2 * padding - gap) / 2));
    return {
      mode: 'compact', padding, gap, tileSize, columns: 2, tileLines: 2, metaWidth: 0, headerHeight,
      rowHeight: headerHeight + 2 * tileSize + gap + 18, contentWidth: width - 2 * padding,
    };
  }
  if (width >= WIDE_MIN_WIDTH) {
    const padding = 28, gap = 6, metaWidth = Math.min(360, Math.max(240, Math.floor(width * 0.24))), columnGap = 28;
    const tileSize = Math.max(MIN_TILE, Math.min(MAX_TILE, Math.floor((width - 2 * padding - metaWidth - columnGap - 3 * gap) / 4)));
    return {
      mode: 'wide', padding, gap, tileSize, columns: 4, tileLines: 1, metaWidth, headerHeight: 0,
      rowHeight: tileSize + 36, contentWidth: 4 * tileSize + 3 * gap + columnGap + metaWidth,
    };
  }
  const padding = 16, gap = 4, headerHeight = 64;
  const tileSize = Math.max(MIN_TILE, Math.floor((width - 2 * padding - 3 * gap) / 4));
  return {
    mode: 'stacked', padding, gap, tileSize, columns: 4, tileLines: 1, metaWidth: 0, headerHeight,
    rowHeight: headerHeight + tileSize + 28, contentWidth: 4 * tileSize + 3 * gap,
  };
}

export interface RowRange {
  /** First row to render. */
  first: number;
  /** One past the last row to render. */
  end: number;
}

/** Rows intersecting the viewport, widened by `overscan` rows each side, clamped to [0, total). */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 2, topOffset = 0): RowRange {
  if (total <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, scrollTop - topOffset);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) + overscan);
  return { first: Math.min(first, total), end: Math.max(end, Math.min(first, total)) };
}

/** Page numbers covering rows [first, end). */
export function pagesFor(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(range.first / pageSize); page <= Math.floor((range.end - 1) / pageSize); page++) pages.push(page);
  return pages;
}

/** Total scrollable height of the rows. */
export function contentHeight(total: number, layout: GridLayout): number {
  return total * layout.rowHeight + layout.padding;
}

/** scrollTop that brings row `index` into view: unchanged if already fully visible, else nearest edge. */
export function scrollTopToShow(index: number, rowHeight: number, scrollTop: number, viewportHeight: number, topOffset = 0): number {
  const rowTop = topOffset + index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop >= scrollTop && rowBottom <= scrollTop + viewportHeight) return scrollTop;
  if (rowTop < scrollTop || rowHeight > viewportHeight) return Math.max(0, rowTop - 8);
  return Math.max(0, rowBottom - viewportHeight);
}
