// The lightbox: one image or video at full size, the job's prompt and parameters, seed, lineage and
// every button the job offers, plus Custom Zoom (prompt field) and Vary (Region) (mask editor).
import type { GalleryItem, JobAction, LineageItem } from '../shared/galleryProtocol';
import { ICONS, button, clear, el, icon } from './dom';
import { baseName, buttonNeeds, describeButton, groupButtons, isActive, isProblem, relativeTime, splitPrompt, statusText } from './format';
import { MaskEditor } from './maskEditor';

export interface JobDetail {
  parent?: LineageItem;
  children: LineageItem[];
}

export interface LightboxView {
  item: GalleryItem;
  /** Position in `item.assets`. */
  asset: number;
  detail?: JobDetail;
  canPrevious: boolean;
  canNext: boolean;
  /** "12 / 1,250", when the job is in the current list. */
  position?: string;
}

export interface LightboxCallbacks {
  navigate(step: 1 | -1): void;
  selectAsset(position: number): void;
  close(): void;
  action(action: JobAction, label?: string, extra?: { prompt?: string; mask?: string }): void;
  openLineage(id: string): void;
  toggleFavourite(item: GalleryItem): void;
  now(): number;
}

type Mode = { kind: 'view' } | { kind: 'zoom' } | { kind: 'mask' };

export class Lightbox {
  readonly element: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly side: HTMLElement;
  private current: LightboxView | undefined;
  private mode: Mode = { kind: 'view' };

  constructor(private readonly callbacks: LightboxCallbacks) {
    this.stage = el('div', { class: 'lb-stage' });
    this.side = el('aside', { class: 'lb-side', attrs: { 'aria-label': 'Job details' } });
    this.element = el('div', { class: 'lightbox', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image viewer', tabindex: -1 } }, [this.stage, this.side]);
    this.element.hidden = true;
    // Clicking the dark backdrop around the image closes, like the Midjourney site.
    this.stage.addEventListener('click', (event) => {
      if (event.target === this.stage && this.mode.kind === 'view') this.callbacks.close();
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get shownId(): string | undefined {
    return this.isOpen ? this.current?.item.id : undefined;
  }

  get shownAsset(): number {
    return this.current?.asset ?? 0;
  }

  show(view: LightboxView): void {
    const sameJob = this.current?.item.id === view.item.id;
    // Keep a half-drawn mask or a typed zoom prompt when only the job's details changed.
    if (!sameJob) this.mode = { kind: 'view' };
    const wasOpen = this.isOpen;
    this.current = view;
    this.element.hidden = false;
    if (!(sameJob && this.mode.kind !== 'view')) {
      this.renderStage();
      this.renderSide();
    }
    if (!wasOpen) this.element.focus();
  }

  hide(): void {
    this.element.hidden = true;
    this.current = undefined;
    this.mode = { kind: 'view' };
    clear(this.stage);
    clear(this.side);
  }

  /** Keyboard: ←/→ move, Esc leaves a form or closes. Returns true when handled. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen) return false;
    const typing = event.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (event.key === 'Escape') {
      if (this.mode.kind !== 'view') this.setMode({ kind: 'view' });
      else this.callbacks.close();
      return true;
    }
    if (typing || this.mode.kind !== 'view') return false;
    if (event.key === 'ArrowLeft' && this.current?.canPrevious) {
      this.callbacks.navigate(-1);
      return true;
    }
    if (event.key === 'ArrowRight' && this.current?.canNext) {
      this.callbacks.navigate(1);
      return true;
    }
    return false;
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.renderStage();
    this.renderSide();
  }

  private renderStage(): void {
    clear(this.stage);
    const view = this.current;
    if (!view) return;
    const { item } = view;
    const asset = item.assets[view.asset];
    if (this.mode.kind === 'mask' && asset?.full) {
      const editor = new MaskEditor(asset.full, '', {
        submit: (mask, prompt) => {
          this.callbacks.action('pressButton', 'Vary (Region)', prompt === undefined ? { mask } : { mask, prompt });
          this.setMode({ kind: 'view' });
        },
        cancel: () => this.setMode({ kind: 'view' }),
      });
      this.stage.append(editor.element);
      return;
    }
    const figure = el('figure', { class: 'lb-figure' });
    if (asset?.kind === 'video' && asset.full) {
      figure.append(el('video', { class: 'lb-media', attrs: { src: asset.full, controls: true, autoplay: true, loop: true, muted: true, playsinline: true, 'aria-label': `Video ${view.asset + 1}` } }));
    } else if (asset && (asset.full ?? asset.thumb)) {
      const img = el('img', { class: 'lb-media', attrs: { src: asset.full ?? asset.thumb, alt: `Image ${view.asset + 1} of ${item.assets.length}: ${splitPrompt(item.prompt).text}` } });
      figure.append(img);
    } else {
      figure.append(el('div', { class: 'lb-placeholder' }, [
        el('span', { class: `badge badge-${item.status}`, text: statusText(item) }),
        el('p', { text: isProblem(item.status) ? item.reason ?? 'No reason was given.' : isActive(item.status) ? 'Rendering…' : 'The file is not downloaded yet.' }),
      ]));
    }
    this.stage.append(figure);
    const previous = button('', { class: 'lb-nav lb-prev', title: 'Previous image (←)', attrs: { disabled: !view.canPrevious } });
    previous.append(icon([...ICONS.left], 22));
    previous.addEventListener('click', () => this.callbacks.navigate(-1));
    const next = button('', { class: 'lb-nav lb-next', title: 'Next image (→)', attrs: { disabled: !view.canNext } });
    next.append(icon([...ICONS.right], 22));
    next.addEventListener('click', () => this.callbacks.navigate(1));
    this.stage.append(previous, next);
    if (item.assets.length > 1) {
      const strip = el('div', { class: 'lb-strip', attrs: { role: 'group', 'aria-label': 'Images of this job' } });
      item.assets.forEach((a, position) => {
        const thumb = el('button', { class: 'lb-thumb', attrs: { type: 'button', 'aria-label': `Show image ${position + 1}`, 'aria-current': position === view.asset ? 'true' : undefined } });
        if (a.kind === 'video') thumb.append(el('span', { class: 'lb-thumb-video', text: String(position + 1) }));
        else if (a.thumb ?? a.full) thumb.append(el('img', { attrs: { src: a.thumb ?? a.full, alt: '' } }));
        else thumb.append(el('span', { text: String(position + 1) }));
        thumb.addEventListener('click', () => this.callbacks.selectAsset(position));
        strip.append(thumb);
      });
      this.stage.append(strip);
    }
  }

  private renderSide(): void {
    clear(this.side);
    const view = this.current;
    if (!view) return;
    const { item } = view;
    const prompt = splitPrompt(item.prompt);
    const close = button('', { class: 'icon-button lb-close', title: 'Close (Esc)' });
    close.append(icon([...ICONS.close], 18));
    close.addEventListener('click', () => this.callbacks.close());
    const header = el('div', { class: 'lb-header' }, [
      el('span', { class: `badge badge-${item.status}`, text: statusText(item) }),
      item.parentButton ? el('span', { class: 'lb-from', text: `from ${describeButton(item.parentButton)}`, attrs: { title: `Made by pressing ${item.parentButton}` } }) : null,
      view.position ? el('span', { class: 'lb-position', text: view.position }) : null,
      close,
    ]);
    this.side.append(header);
    this.side.append(el('p', { class: 'lb-prompt', text: prompt.text || item.prompt || '(no prompt)' }));
    if (prompt.parameters.length > 0) {
      this.side.append(el('div', { class: 'params' }, prompt.parameters.map((p) => el('span', { class: 'param', text: p.value ? `--${p.name} ${p.value}` : `--${p.name}` }))));
    }
    if (isProblem(item.status) && item.reason) this.side.append(el('p', { class: 'reason', text: item.reason }));
    if (isActive(item.status)) {
      const bar = el('div', { class: 'progress', attrs: { role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(item.progress ?? 0) } }, [el('div', { class: 'progress-fill' })]);
      (bar.firstChild as HTMLElement).style.width = `${Math.max(3, Math.round(item.progress ?? 0))}%`;
      this.side.append(bar);
    }

    // Quick utilities.
    const utilities = el('div', { class: 'lb-utilities' });
    const addUtility = (label: string, iconPaths: readonly string[], action: () => void, pressed?: boolean) => {
      const b = button('', { class: `icon-button${pressed ? ' on' : ''}`, title: label, attrs: pressed === undefined ? {} : { 'aria-pressed': pressed ? 'true' : 'false' } });
      b.append(icon([...iconPaths]));
      b.addEventListener('click', action);
      utilities.append(b);
    };
    addUtility(item.favourite ? 'Remove from favourites' : 'Add to favourites', ICONS.heart, () => this.callbacks.toggleFavourite(item), item.favourite);
    addUtility('Copy prompt', ICONS.copy, () => this.callbacks.action('copyPrompt'));
    if (item.status === 'completed') {
      addUtility('Save to workspace', ICONS.save, () => this.callbacks.action('saveJobToWorkspace'));
      addUtility('Open file', ICONS.open, () => this.callbacks.action('openJobFiles'));
    }
    if (item.source) addUtility(`Reveal ${baseName(item.source.file)}:${item.source.line + 1}`, ICONS.source, () => this.callbacks.action('revealSource'));
    if (isActive(item.status)) addUtility('Cancel job', ICONS.stop, () => this.callbacks.action('cancelJob'));
    if (isProblem(item.status)) addUtility('Retry job', ICONS.retry, () => this.callbacks.action('retryJob'));
    this.side.append(utilities);

    if (this.mode.kind === 'zoom') this.side.append(this.zoomForm(item));
    else this.side.append(...this.buttonGroups(item));

    this.side.append(this.details(item, view));
    if (view.detail) this.side.append(...this.lineage(view.detail));
  }

  private buttonGroups(item: GalleryItem): HTMLElement[] {
    if (item.buttons.length === 0) return [];
    const groups = groupButtons(item.buttons);
    const sections: HTMLElement[] = [];
    const section = (title: string, labels: string[], wide = false) => {
      if (labels.length === 0) return;
      const row = el('div', { class: `button-row${wide ? ' wide' : ''}` });
      for (const label of labels) {
        const needs = buttonNeeds(label);
        // Emoji labels (🔄, ⬅️…) get their name too: clearer, and readable without an emoji font.
        const text = describeButton(label) === label || /^[UV][1-4]$/.test(label) ? label : `${label} ${describeButton(label)}`;
        const b = button(text, { class: 'job-button', title: needs === 'prompt' ? `${label}: enter a prompt` : needs === 'mask' ? `${label}: paint a mask` : describeButton(label), data: { label } });
        b.addEventListener('click', () => this.press(item, label));
        row.append(b);
      }
      sections.push(el('section', { class: 'lb-section' }, [el('h3', { text: title }), row]));
    };
    section('Upscale', groups.upscale);
    section('Vary', groups.vary);
    section(groups.upscale.length + groups.vary.length > 0 ? 'More' : 'Actions', groups.more, true);
    if (groups.upscale.length === 4) {
      const pick = button('Pick the best of four', { class: 'secondary', title: 'Let AI pick the best of the four images' });
      pick.addEventListener('click', () => this.callbacks.action('pickBestOfFour'));
      sections.push(pick);
    }
    return sections;
  }

  private press(item: GalleryItem, label: string): void {
    const needs = buttonNeeds(label);
    if (needs === 'prompt') this.setMode({ kind: 'zoom' });
    else if (needs === 'mask') {
      if (item.assets[this.current?.asset ?? 0]?.full) this.setMode({ kind: 'mask' });
      else this.callbacks.action('pressButton', label); // the host explains what is missing
    } else this.callbacks.action('pressButton', label);
  }

  private zoomForm(item: GalleryItem): HTMLElement {
    const initial = /--zoom\s/.test(item.prompt) ? item.prompt : `${item.prompt} --zoom 1.5`.trim();
    const input = el('textarea', { class: 'text-input', attrs: { rows: 4, 'aria-label': 'Custom Zoom prompt' } });
    input.value = initial;
    const error = el('p', { class: 'form-error', attrs: { role: 'alert' } });
    const submit = button('Zoom', { class: 'primary', title: 'Submit Custom Zoom' });
    const cancel = button('Cancel', { class: 'secondary', title: 'Cancel Custom Zoom' });
    const form = el('form', { class: 'lb-section zoom-form' }, [
      el('h3', { text: 'Custom Zoom' }),
      el('p', { class: 'hint', text: 'Edit the prompt; --zoom takes a value from 1 to 2.' }),
      input, error, el('div', { class: 'button-row' }, [submit, cancel]),
    ]);
    submit.setAttribute('type', 'submit');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const prompt = input.value.trim();
      if (prompt === '') {
        error.textContent = 'Enter a prompt.';
        return;
      }
      this.callbacks.action('pressButton', 'Custom Zoom', { prompt });
      this.setMode({ kind: 'view' });
    });
    cancel.addEventListener('click', () => this.setMode({ kind: 'view' }));
    queueMicrotask(() => input.focus());
    return form;
  }

  private details(item: GalleryItem, _view: LightboxView): HTMLElement {
    const list = el('dl', { class: 'lb-details' });
    const row = (term: string, value: Node | string) => list.append(el('dt', { text: term }), el('dd', {}, [value]));
    row('Created', `${new Date(item.createdAt).toLocaleString()} (${relativeTime(item.createdAt, this.callbacks.now())})`);
    if (item.jobId) row('Job id', el('code', { text: item.jobId }));
    if (item.seed !== undefined) row('Seed', el('code', { text: String(item.seed) }));
    else if (item.status === 'completed' && !item.video && item.buttons.length > 0) {
      const get = button('Get seed', { class: 'link-button', title: 'Extract the seed of this job' });
      get.addEventListener('click', () => this.callbacks.action('extractSeed'));
      row('Seed', get);
    }
    if (item.ai) {
      const verdict = item.ai.pickedIndex !== undefined ? `Picked image ${item.ai.pickedIndex}: ${item.ai.reason}` : `No pick: ${item.ai.reason}`;
      row('AI pick', el('span', { text: `${verdict} (${item.ai.model})` }));
    }
    if (item.source) {
      const where = `${baseName(item.source.file)}:${item.source.line + 1}${item.source.block ? ` (${item.source.block})` : ''}`;
      const reveal = button(where, { class: 'link-button', title: `Reveal ${item.source.file} line ${item.source.line + 1}` });
      reveal.addEventListener('click', () => this.callbacks.action('revealSource'));
      row('Source', reveal);
    }
    return el('section', { class: 'lb-section' }, [el('h3', { text: 'Details' }), list]);
  }

  private lineage(detail: JobDetail): HTMLElement[] {
    const card = (entry: LineageItem, caption: string) => {
      const b = el('button', { class: 'lineage-card', attrs: { type: 'button', 'aria-label': `${caption}: ${entry.label} (${entry.status})` }, data: { lineage: entry.id } });
      if (entry.thumb) b.append(el('img', { attrs: { src: entry.thumb, alt: '' } }));
      else b.append(el('span', { class: 'lineage-empty', text: entry.status }));
      b.append(el('span', { class: 'lineage-label', text: entry.label }));
      b.addEventListener('click', () => this.callbacks.openLineage(entry.id));
      return b;
    };
    const sections: HTMLElement[] = [];
    if (detail.parent) sections.push(el('section', { class: 'lb-section lineage' }, [el('h3', { text: 'Made from' }), el('div', { class: 'lineage-row' }, [card(detail.parent, 'Parent')])]));
    if (detail.children.length > 0) {
      sections.push(el('section', { class: 'lb-section lineage' }, [
        el('h3', { text: `Made from this (${detail.children.length})` }),
        el('div', { class: 'lineage-row', attrs: { role: 'list' } }, detail.children.map((c) => card(c, 'Child'))),
      ]));
    }
    return sections;
  }
}
