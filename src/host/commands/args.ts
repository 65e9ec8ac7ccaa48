// Turning command arguments into jobs, channels and files. Commands are invoked from menus (tree items,
// explorer URIs), the palette (no arguments: ask the user) and tests (`{ id }`, option objects).
import * as vscode from 'vscode';
import type { ChannelState } from '../../core/jobs/api';
import { isTerminal, promptOf, type ImageInput, type JobRecord } from '../../core/jobs/model';
import type { HostServices } from './services';
import { formatAge } from '../views/jobsModel';

export class UserCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'UserCancelled';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The local job id in a tree node (`{kind:'job', job}`), a `{ id }` ref, or a plain string. */
export function jobIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!isObject(arg)) return undefined;
  if (isObject(arg.job) && typeof arg.job.id === 'string') return arg.job.id;
  if (typeof arg.id === 'string') return arg.id;
  return undefined;
}

/** The job a command acts on; asks with a quick pick when invoked without one. */
export async function resolveJob(services: HostServices, arg: unknown, pickTitle: string, filter: (job: JobRecord) => boolean): Promise<JobRecord> {
  const id = jobIdFromArg(arg);
  if (id !== undefined) {
    const store = services.engine.store;
    const job = store.get(id) ?? store.byJobId(id);
    if (!job) throw new Error(`No job ${id} in the history.`);
    return job;
  }
  return pickJob(services, pickTitle, filter);
}

export async function pickJob(services: HostServices, title: string, filter: (job: JobRecord) => boolean): Promise<JobRecord> {
  await services.engine.engine(); // load the history
  const candidates = services.engine.store.all().filter(filter).slice(0, 200);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`${title}: no job in the history fits.`);
    throw new UserCancelled();
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    candidates.map((job) => ({ label: promptOf(job).slice(0, 90) || job.verb, description: `${job.state} · ${formatAge(now - job.createdAt)}`, detail: job.jobId, job })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) throw new UserCancelled();
  return picked.job;
}

export const isCompleted = (job: JobRecord): boolean => job.state === 'completed';
export const isActive = (job: JobRecord): boolean => !isTerminal(job.state);

/** A channel id from a Channels tree node, `{ channel }`, or a string. */
export function channelFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (!isObject(arg)) return undefined;
  if (typeof arg.channel === 'string') return arg.channel;
  if (isObject(arg.channel) && typeof arg.channel.channel === 'string') return arg.channel.channel;
  return undefined;
}

/**
 * The channel for an account-level command: the argument, else the default channel setting, else the
 * only channel, else ask. Undefined means "let the service choose" (allowed with a single account).
 */
export async function resolveChannel(services: HostServices, arg: unknown, title: string): Promise<string | undefined> {
  const explicit = channelFromArg(arg);
  if (explicit) return explicit;
  if (services.settings.current.defaultChannel) return services.settings.current.defaultChannel;
  let channels: readonly ChannelState[] = services.engine.channels();
  if (channels.length === 0) channels = await services.engine.refreshChannels().catch(() => []);
  if (channels.length <= 1) return channels[0]?.channel;
  const picked = await vscode.window.showQuickPick(
    channels.map((c) => ({ label: c.channel, description: c.lockedReason ? `locked: ${c.lockedReason}` : `${c.running.total}/${c.maxJobs} running`, channel: c.channel })),
    { title, placeHolder: 'Which channel?' },
  );
  if (!picked) throw new UserCancelled();
  return picked.channel;
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };

export function contentTypeOf(path: string): string | undefined {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_TYPES[ext];
}

/** An uploaded image for describe/blend; rejects what the service does not take. */
export async function imageInputFromUri(uri: vscode.Uri): Promise<ImageInput> {
  const contentType = contentTypeOf(uri.path);
  if (!contentType) throw new Error(`${uri.path} is not a PNG, JPEG, WebP or GIF image.`);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > 10 * 1024 * 1024) throw new Error(`${uri.path.split('/').pop()} is larger than 10 MB, the service's limit.`);
  return { kind: 'file', path: uri.fsPath, name: uri.path.split('/').pop() ?? 'image', contentType };
}

export function isUri(value: unknown): value is vscode.Uri {
  return value instanceof vscode.Uri;
}

/** Option objects passed by tests or other commands (never Uris or tree nodes). */
export function optionsArg<T extends object>(value: unknown): Partial<T> {
  if (!isObject(value) || isUri(value) || 'kind' in value) return {};
  return value as Partial<T>;
}

/** Waits for a job with a cancellable notification; cancelling cancels the job. */
export async function waitWithProgress(services: HostServices, job: JobRecord, title: string): Promise<JobRecord> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    let reported = 0;
    const onChange = services.engine.store.onDidChange((change) => {
      const current = change.upserted.find((j) => j.id === job.id);
      if (current?.progress !== undefined && current.progress > reported) {
        progress.report({ increment: current.progress - reported, message: `${Math.round(current.progress)}%` });
        reported = current.progress;
      }
    });
    const cancel = token.onCancellationRequested(() => {
      abort.abort();
      services.engine.cancel(job.id).catch((e: unknown) => services.log.warn('Cancelling after the progress was dismissed failed', e));
    });
    try {
      return await services.engine.waitFor(job.id, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) throw new UserCancelled();
      throw error;
    } finally {
      onChange.dispose();
      cancel.dispose();
    }
  });
}

/** Throws a readable error unless the job completed. */
export function requireCompleted(job: JobRecord, what: string): JobRecord {
  if (job.state === 'completed') return job;
  throw new Error(`${what} ${job.state}${job.reason ? `: ${job.reason}` : ''}.`);
}
