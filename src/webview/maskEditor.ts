// Vary (Region): the user paints the region to regenerate over the image; the mask is exported as a
// black/white WebP (white = vary this region) at up to 1024 px on the long side, base64 without the
// `data:` prefix, as /jobs/button expects (CONTRACT.md §4).
import { button, el } from './dom';

export interface MaskEditorCallbacks {
  submit(mask: string, prompt: string | undefined): void;
  cancel(): void;
}

const MASK_MAX_SIDE = 1024;

/** Turn painted (non-transparent) pixels white and everything else black, in place. */
export function thresholdMask(data: Uint8ClampedArray): number {
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    const on = data[i + 3] > 0;
    if (on) painted++;
    const value = on ? 255 : 0;
    data[i] = value;
    data[i + 1] = value;
    data[i + 2] = value;
    data[i + 3] = 255;
  }
  return painted;
}

export class MaskEditor {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly frame: HTMLElement;
  private readonly image: HTMLImageElement;
  private readonly brush: HTMLInputElement;
  private readonly promptInput: HTMLInputElement;
  private readonly error: HTMLElement;
  private drawing = false;
  private last: { x: number; y: number } | undefined;
  private strokes = 0;

  constructor(src: string, initialPrompt: string, private readonly callbacks: MaskEditorCallbacks) {
    this.image = el('img', { class: 'mask-image', attrs: { src, alt: 'Image to vary', draggable: 'false' } });
    this.canvas = el('canvas', { class: 'mask-canvas', attrs: { 'aria-label': 'Mask: drag to paint the region to vary' } });
    this.frame = el('div', { class: 'mask-frame' }, [this.image, this.canvas]);
    this.brush = el('input', { attrs: { type: 'range', min: 8, max: 120, value: 40, 'aria-label': 'Brush size' } });
    this.promptInput = el('input', { class: 'text-input', attrs: { type: 'text', value: initialPrompt, 'aria-label': 'Prompt for the region (optional)', placeholder: 'Prompt for the region (optional)' } });
    this.error = el('p', { class: 'form-error', attrs: { role: 'alert' } });
    const clearButton = button('Clear', { class: 'secondary', title: 'Clear the mask' });
    const cancelButton = button('Cancel', { class: 'secondary', title: 'Cancel Vary (Region)' });
    const submitButton = button('Vary region', { class: 'primary', title: 'Submit Vary (Region) with this mask' });
    clearButton.addEventListener('click', () => this.clear());
    cancelButton.addEventListener('click', () => callbacks.cancel());
    submitButton.addEventListener('click', () => this.submit());
    this.element = el('div', { class: 'mask-editor' }, [
      el('div', { class: 'mask-stage' }, [this.frame]),
      el('div', { class: 'mask-tools' }, [
        el('label', { class: 'brush-label' }, ['Brush', this.brush]),
        this.promptInput, clearButton, cancelButton, submitButton,
      ]),
      this.error,
    ]);
    this.image.addEventListener('load', () => this.sizeCanvas());
    if (this.image.complete && this.image.naturalWidth > 0) this.sizeCanvas();
    this.canvas.addEventListener('pointerdown', (event) => this.start(event));
    this.canvas.addEventListener('pointermove', (event) => this.move(event));
    this.canvas.addEventListener('pointerup', () => this.stop());
    this.canvas.addEventListener('pointercancel', () => this.stop());
  }

  /** Painted area so far, in strokes (tests and the submit check). */
  get strokeCount(): number {
    return this.strokes;
  }

  private sizeCanvas(): void {
    const scale = Math.min(1, MASK_MAX_SIDE / Math.max(this.image.naturalWidth, this.image.naturalHeight));
    this.canvas.width = Math.max(1, Math.round(this.image.naturalWidth * scale));
    this.canvas.height = Math.max(1, Math.round(this.image.naturalHeight * scale));
  }

  private point(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / Math.max(1, box.width)) * this.canvas.width,
      y: ((event.clientY - box.top) / Math.max(1, box.height)) * this.canvas.height,
    };
  }

  private start(event: PointerEvent): void {
    this.drawing = true;
    this.canvas.setPointerCapture?.(event.pointerId);
    this.last = this.point(event);
    this.paint(this.last, this.last);
  }

  private move(event: PointerEvent): void {
    if (!this.drawing) return;
    const next = this.point(event);
    this.paint(this.last ?? next, next);
    this.last = next;
  }

  private stop(): void {
    this.drawing = false;
    this.last = undefined;
  }

  private paint(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const box = this.canvas.getBoundingClientRect();
    const radius = (Number(this.brush.value) / 2) * (this.canvas.width / Math.max(1, box.width));
    context.strokeStyle = 'rgb(124, 92, 255)';
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.lineWidth = radius * 2;
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x + 0.01, to.y);
    context.stroke();
    this.strokes++;
    this.error.textContent = '';
  }

  private clear(): void {
    this.canvas.getContext('2d')?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.strokes = 0;
  }

  private submit(): void {
    const mask = this.exportMask();
    if (typeof mask !== 'string') {
      this.error.textContent = mask.error;
      return;
    }
    const prompt = this.promptInput.value.trim();
    this.callbacks.submit(mask, prompt === '' ? undefined : prompt);
  }

  /** The mask as base64 WebP, or why it cannot be made. */
  exportMask(): string | { error: string } {
    if (this.strokes === 0) return { error: 'Paint the region to vary first.' };
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const source = this.canvas.getContext('2d');
    const target = out.getContext('2d');
    if (!source || !target) return { error: 'This view cannot draw a mask.' };
    const pixels = source.getImageData(0, 0, this.canvas.width, this.canvas.height);
    thresholdMask(pixels.data);
    target.putImageData(pixels, 0, 0);
    const url = out.toDataURL('image/webp');
    const prefix = 'data:image/webp;base64,';
    if (!url.startsWith(prefix)) return { error: 'This view cannot encode WebP masks.' };
    return url.slice(prefix.length);
  }
}
