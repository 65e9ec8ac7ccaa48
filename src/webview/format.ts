// Pure text helpers of the gallery: button groups, parameter chips, status words, relative times.
import type { GalleryItem, JobStatus } from '../shared/galleryProtocol';

export interface ButtonGroups {
  upscale: string[];
  vary: string[];
  /** Every other label, in the job's order (pans, zooms, animate, extend, reroll…). */
  more: string[];
}

/** Split a job's buttons for display; every label appears exactly once, none is dropped (D-16). */
export function groupButtons(buttons: readonly string[]): ButtonGroups {
  const groups: ButtonGroups = { upscale: [], vary: [], more: [] };
  for (const label of buttons) {
    if (/^U[1-4]$/.test(label)) groups.upscale.push(label);
    else if (/^V[1-4]$/.test(label)) groups.vary.push(label);
    else groups.more.push(label);
  }
  return groups;
}

/** Buttons that need input before they can be pressed (CONTRACT.md §4). */
export function buttonNeeds(label: string): 'prompt' | 'mask' | undefined {
  if (label === 'Custom Zoom') return 'prompt';
  if (label === 'Vary (Region)') return 'mask';
  return undefined;
}

const BUTTON_NAMES: Record<string, string> = {
  '🔄': 'Reroll',
  '⬅️': 'Pan left',
  '➡️': 'Pan right',
  '⬆️': 'Pan up',
  '⬇️': 'Pan down',
};

/** An accessible description of a button label ("U2" → "Upscale image 2"). */
export function describeButton(label: string): string {
  const match = /^([UV])([1-4])$/.exec(label);
  if (match) return `${match[1] === 'U' ? 'Upscale' : 'Vary'} image ${match[2]}`;
  return BUTTON_NAMES[label] ?? label;
}

export interface PromptParts {
  text: string;
  /** `--name value` pairs in order, e.g. { name: 'ar', value: '16:9' }. */
  parameters: { name: string; value: string }[];
}

/** Separate the words of a prompt from its `--parameters`. */
export function splitPrompt(prompt: string): PromptParts {
  const start = prompt.search(/(^|\s)--[a-z]/i);
  if (start < 0) return { text: prompt.trim(), parameters: [] };
  const text = prompt.slice(0, start).trim();
  const parameters: PromptParts['parameters'] = [];
  for (const chunk of prompt.slice(start).split(/(?:^|\s)--(?=[a-z])/i)) {
    const trimmed = chunk.trim();
    if (trimmed === '') continue;
    const space = trimmed.search(/\s/);
    parameters.push(space < 0 ? { name: trimmed, value: '' } : { name: trimmed.slice(0, space), value: trimmed.slice(space + 1).trim() });
  }
  return { text, parameters };
}

const STATUS_WORDS: Record<JobStatus, string> = {
  queued: 'Queued',
  submitting: 'Submitting',
  running: 'Rendering',
  completed: 'Completed',
  moderated: 'Moderated',
  failed: 'Failed',
  cancelled: 'Cancelled',
  lost: 'Lost',
};

export function statusText(item: Pick<GalleryItem, 'status' | 'progress'>): string {
  const word = STATUS_WORDS[item.status];
  return item.status === 'running' && item.progress !== undefined ? `${word} ${Math.round(item.progress)}%` : word;
}

export function isActive(status: JobStatus): boolean {
  return status === 'queued' || status === 'submitting' || status === 'running';
}

export function isProblem(status: JobStatus): boolean {
  return status === 'failed' || status === 'moderated' || status === 'lost' || status === 'cancelled';
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else a date. */
export function relativeTime(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return new Date(then).toLocaleDateString();
}

/** Last path segment of a file path (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
