// What the Jobs view shows, computed from the store's records: groups, nesting, labels, descriptions
// and menu context values. Pure (no vscode): the tree provider only maps these to TreeItems.
import { isTerminal, promptOf, type JobRecord, type JobState } from '../../core/jobs/model';

export type JobsGrouping = 'state' | 'source';

export interface JobGroup {
  /** Stable tree id, e.g. "group:running" or "group:file:/abs/path.prompts". */
  id: string;
  label: string;
  description?: string;
  jobs: JobRecord[];
}

export interface JobsSnapshot {
  groups: JobGroup[];
  /** Jobs nested under another job (button/seed children), by parent local id. */
  nested: Map<string, JobRecord[]>;
  /** Number of jobs the filter hid. */
  hidden: number;
}

const NO_SOURCE = 'group:nosource';

export function matchesFilter(job: JobRecord, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  const haystack = [promptOf(job), job.id, job.jobId, job.state, job.verb, job.channel, job.parentButton, job.reason, job.source?.file]
    .filter((s): s is string => typeof s === 'string')
    .join('\n')
    .toLowerCase();
  return haystack.includes(f);
}

function stateGroupOf(state: JobState): 'running' | 'queued' | 'finished' {
  if (state === 'running' || state === 'submitting') return 'running';
  if (state === 'queued') return 'queued';
  return 'finished';
}

/** Groups and nests the jobs (newest first within a group). */
export function buildJobsSnapshot(all: readonly JobRecord[], grouping: JobsGrouping, filter: string): JobsSnapshot {
  const visible = all.filter((j) => matchesFilter(j, filter));
  const byId = new Map(visible.map((j) => [j.id, j]));
  const groupKey = (job: JobRecord): string =>
    grouping === 'state' ? `group:${stateGroupOf(job.state)}` : job.source?.file ? `group:file:${job.source.file}` : NO_SOURCE;

  // A finished child sits under its parent when the parent is shown in the same group.
  const nested = new Map<string, JobRecord[]>();
  const roots: JobRecord[] = [];
  for (const job of visible) {
    const parent = job.parentId ? byId.get(job.parentId) : undefined;
    if (parent && isTerminal(job.state) && isTerminal(parent.state) && groupKey(parent) === groupKey(job)) {
      const list = nested.get(parent.id) ?? [];
      list.push(job);
      nested.set(parent.id, list);
    } else {
      roots.push(job);
    }
  }
  for (const list of nested.values()) list.sort((a, b) => a.createdAt - b.createdAt);

  const groups = new Map<string, JobGroup>();
  const ensure = (id: string, label: string, description?: string): JobGroup => {
    let g = groups.get(id);
    if (!g) {
      g = { id, label, description, jobs: [] };
      groups.set(id, g);
    }
    return g;
  };
  if (grouping === 'state') {
    ensure('group:running', 'Running');
    ensure('group:queued', 'Queued');
    ensure('group:finished', 'Finished');
  }
  for (const job of roots) {
    const id = groupKey(job);
    if (grouping === 'state') ensure(id, '').jobs.push(job);
    else if (id === NO_SOURCE) ensure(id, 'Palette and explorer').jobs.push(job);
    else {
      const file = job.source?.file ?? '';
      const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
      ensure(id, file.slice(slash + 1), file.slice(0, Math.max(slash, 0))).jobs.push(job);
    }
  }
  for (const g of groups.values()) g.jobs.sort((a, b) => b.createdAt - a.createdAt);
  const ordered = [...groups.values()].filter((g) => g.jobs.length > 0);
  if (grouping === 'source') ordered.sort((a, b) => (a.id === NO_SOURCE ? 1 : b.id === NO_SOURCE ? -1 : a.label.localeCompare(b.label)));
  return { groups: ordered, nested, hidden: all.length - visible.length };
}

/** `job:<state>[:buttons][:seedable][:source][:grid]` — the `viewItem` the manifest's menus match. */
export function jobContextValue(job: JobRecord): string {
  let value = `job:${job.state}`;
  const completed = job.state === 'completed';
  if (completed && job.buttons.length > 0) value += ':buttons';
  if (isSeedable(job)) value += ':seedable';
  if (job.source) value += ':source';
  if (completed && job.buttons.includes('U1') && job.assets.some((a) => a.kind === 'grid')) value += ':grid';
  return value;
}

/** POST /jobs/seed accepts completed image jobs with a result (CONTRACT §2 row 10). */
export function isSeedable(job: JobRecord): boolean {
  return job.state === 'completed' && job.jobType !== 'video' && job.jobId !== undefined
    && (job.verb === 'imagine' || job.verb === 'blend' || job.verb === 'button')
    && job.assets.some((a) => a.kind === 'grid' || a.kind === 'image');
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * The row's label, kept short so the description (progress, result count) stays visible in a
 * sidebar of ordinary width; the tooltip has the whole prompt.
 */
export function jobLabel(job: JobRecord, parent?: JobRecord): string {
  const r = job.request;
  switch (r.verb) {
    case 'imagine':
      return truncate(r.prompt, 30) || '(empty prompt)';
    case 'button': {
      const of = parent ? ` · ${truncate(promptOf(parent), 22)}` : '';
      return `${r.button}${r.prompt ? ` “${truncate(r.prompt, 30)}”` : ''}${of}`;
    }
    case 'seed':
      return `Seed${parent ? ` · ${truncate(promptOf(parent), 24)}` : ''}`;
    case 'describe':
      return `Describe ${truncate(promptOf(job), 24)}`;
    case 'blend':
      return `Blend of ${r.images.length} images`;
    default:
      return `${r.verb[0].toUpperCase()}${r.verb.slice(1)}${r.channel ? ` · channel ${r.channel}` : ''}`;
  }
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function jobDescription(job: JobRecord, now: number): string {
  switch (job.state) {
    case 'queued':
      return job.priority === 'batch' ? 'queued (batch)' : 'queued';
    case 'submitting':
      return 'submitting…';
    case 'running': {
      if (job.progress !== undefined) return `${Math.round(job.progress)}%`;
      return job.apiStatus === 'started' ? 'waiting to start' : 'starting…';
    }
    case 'completed': {
      // Short on purpose: the sidebar is narrow; the tooltip has the times.
      if (job.describedPrompts) return `${job.describedPrompts.length} prompts`;
      if (job.verb === 'seed' && job.seed !== undefined) return `seed ${job.seed}`;
      const videos = job.assets.filter((a) => a.kind === 'video').length;
      const images = job.assets.filter((a) => a.kind === 'image').length;
      if (videos) return `${videos} video${videos > 1 ? 's' : ''}`;
      if (images) return `${images} image${images > 1 ? 's' : ''}`;
      if (job.assets.length) return 'grid';
      return `done · ${formatAge(now - (job.finishedAt ?? job.updatedAt))}`;
    }
    case 'cancelled':
      return 'cancelled';
    default:
      return `${job.state}${job.reason ? `: ${truncate(job.reason, 60)}` : ''}`;
  }
}
