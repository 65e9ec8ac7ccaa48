// The webview's sparse copy of the host's filtered job list: items by position, which pages are
// loaded or on their way, and eviction of pages far from the viewport so memory stays bounded.
import type { GalleryItem } from '../shared/galleryProtocol';

export class ItemWindow {
  total = 0;
  private readonly items = new Map<number, GalleryItem>();
  private readonly positions = new Map<string, number>();
  /** Pages whose items are current. */
  private readonly fresh = new Set<number>();
  /** Pages requested and not yet answered. */
  private readonly loading = new Set<number>();

  constructor(readonly pageSize: number) {}

  get(index: number): GalleryItem | undefined {
    return this.items.get(index);
  }

  indexOf(id: string): number {
    return this.positions.get(id) ?? -1;
  }

  /** Store items received from the host, starting at `offset`. */
  put(offset: number, items: readonly GalleryItem[]): void {
    items.forEach((item, i) => {
      const index = offset + i;
      const previous = this.items.get(index);
      if (previous && this.positions.get(previous.id) === index) this.positions.delete(previous.id);
      this.items.set(index, item);
      this.positions.set(item.id, index);
    });
    const firstPage = Math.floor(offset / this.pageSize);
    const lastPage = Math.floor((offset + Math.max(items.length, 1) - 1) / this.pageSize);
    for (let page = firstPage; page <= lastPage; page++) {
      const pageEnd = Math.min(this.total, (page + 1) * this.pageSize);
      // A page is fresh only when all of its rows arrived.
      if (page * this.pageSize >= offset && pageEnd <= offset + items.length) this.fresh.add(page);
    }
  }

  /** Replace an item in place by id; returns its position or -1 when it is not loaded. */
  patch(item: GalleryItem): number {
    const index = this.indexOf(item.id);
    if (index >= 0) this.items.set(index, item);
    return index;
  }

  /** Jobs were added/removed/reordered: keep showing what we have but refetch everything. */
  invalidate(): void {
    this.fresh.clear();
    this.loading.clear();
  }

  /** Forget everything (a new query). */
  reset(total = 0): void {
    this.total = total;
    this.items.clear();
    this.positions.clear();
    this.fresh.clear();
    this.loading.clear();
  }

  /** Of `pages`, those neither fresh nor already being loaded (marked as loading on return). */
  takeMissing(pages: readonly number[]): number[] {
    const missing = pages.filter((page) => !this.fresh.has(page) && !this.loading.has(page) && page * this.pageSize < this.total);
    for (const page of missing) this.loading.add(page);
    return missing;
  }

  /** A page request failed or was superseded: allow asking again. */
  release(page: number): void {
    this.loading.delete(page);
  }

  /** Drop rows beyond `total` and pages farther than `keep` pages from the ones in view. */
  trim(visiblePages: readonly number[], keep: number): void {
    const low = visiblePages.length > 0 ? Math.min(...visiblePages) - keep : 0;
    const high = visiblePages.length > 0 ? Math.max(...visiblePages) + keep : keep;
    for (const index of [...this.items.keys()]) {
      const page = Math.floor(index / this.pageSize);
      if (index >= this.total || page < low || page > high) {
        const item = this.items.get(index);
        if (item && this.positions.get(item.id) === index) this.positions.delete(item.id);
        this.items.delete(index);
        this.fresh.delete(page);
      }
    }
  }

  get loadedCount(): number {
    return this.items.size;
  }
}
