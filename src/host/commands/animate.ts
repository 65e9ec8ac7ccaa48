// Animate Image…: image-to-video. From a finished upscale it presses Animate (High/Low motion); from an
// image file or URL it submits a `--video` prompt whose start frame (and optional end frame) must be
// URLs the service can fetch — for a workspace file that is the URL of the result it was saved from.
import * as vscode from 'vscode';
import type { JobRecord } from '../../core/jobs/model';
import { buildAnimatePrompt, isHttpUrl, type AnimateChoices } from '../promptBuilder';
import { isUri, jobIdFromArg, optionsArg, pickJob } from './args';
import { pressButton } from './pressButton';
import type { HostServices } from './services';

const canAnimate = (job: JobRecord): boolean => job.state === 'completed' && job.buttons.some((b) => b.startsWith('Animate ('));

/** `midjourney.animate(uri | jobRef | options)` — returns the queued video job. */
export async function animate(services: HostServices, arg?: unknown, _uris?: unknown, optionsValue?: unknown): Promise<JobRecord | undefined> {
  const jobId = isUri(arg) ? undefined : jobIdFromArg(arg);
  const options = optionsArg<AnimateChoices & { fromJob: boolean }>(isUri(arg) || jobId !== undefined ? optionsValue : arg);
  if (jobId !== undefined) return animateJob(services, jobId, options.motion);

  let startUrl = options.startUrl;
  if (!startUrl && isUri(arg)) startUrl = await urlOfWorkspaceImage(services, arg);
  if (!startUrl) {
    const source = await vscode.window.showQuickPick([
      { label: '$(list-tree) An upscaled result in the Jobs view', id: 'job' },
      { label: '$(link) An image URL…', id: 'url' },
    ], { title: 'Animate which image?' });
    if (!source) return undefined;
    if (source.id === 'job') {
      const job = await pickJob(services, 'Animate which result?', canAnimate);
      return animateJob(services, job.id, options.motion);
    }
    startUrl = await askUrl('Start frame URL', 'A public image URL Midjourney can fetch');
    if (!startUrl) return undefined;
  }
  let { endUrl, motion, loop, raw, prompt } = options;
  const interactive = options.motion === undefined;
  if (interactive) {
    motion = await askMotion();
    if (!motion) return undefined;
    const extras = await vscode.window.showQuickPick([
      { label: 'Loop', description: 'end on the start frame', id: 'loop' },
      { label: 'End frame…', description: 'another image URL to end on', id: 'end' },
      { label: 'Raw', description: 'less stylized motion', id: 'raw' },
    ], { title: 'Animate — options (none is fine)', canPickMany: true });
    if (!extras) return undefined;
    loop = extras.some((e) => e.id === 'loop');
    raw = extras.some((e) => e.id === 'raw');
    if (extras.some((e) => e.id === 'end')) endUrl = await askFrame(services, 'End frame');
    prompt = await vscode.window.showInputBox({ title: 'Animate — motion prompt (optional)', prompt: 'Describe the motion, or leave empty', ignoreFocusOut: true });
    if (prompt === undefined) return undefined;
  }
  const built = buildAnimatePrompt({ startUrl, endUrl, prompt, motion, loop, raw });
  if (built.problems.length) throw new Error(built.problems.join(' '));
  const channel = services.settings.current.defaultChannel || undefined;
  return services.engine.submit({ verb: 'imagine', prompt: built.prompt, channel }, { priority: 'user', channel });
}

async function animateJob(services: HostServices, id: string, motionArg: 'low' | 'high' | undefined): Promise<JobRecord | undefined> {
  const job = services.engine.store.get(id) ?? services.engine.store.byJobId(id);
  if (!job) throw new Error(`No job ${id} in the history.`);
  if (!canAnimate(job)) {
    throw new Error('Animate works on an upscaled image (press U1–U4 first); this job has no Animate button.');
  }
  const motion = motionArg ?? (await askMotion());
  if (!motion) return undefined;
  const label = motion === 'high' ? 'Animate (High motion)' : 'Animate (Low motion)';
  return pressButton(services, { id: job.id }, label);
}

/** A frame from a downloaded result in the workspace, or a URL. */
async function askFrame(services: HostServices, title: string): Promise<string | undefined> {
  const source = await vscode.window.showQuickPick([
    { label: '$(file-media) A result image file…', id: 'file' },
    { label: '$(link) An image URL…', id: 'url' },
  ], { title });
  if (source?.id === 'url') return askUrl(`${title} URL`, 'A public image URL Midjourney can fetch');
  if (source?.id !== 'file') return undefined;
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, title, filters: { Images: ['png', 'jpg', 'jpeg', 'webp'] } });
  return files?.[0] ? urlOfWorkspaceImage(services, files[0]) : undefined;
}

async function askMotion(): Promise<'low' | 'high' | undefined> {
  const picked = await vscode.window.showQuickPick([
    { label: 'Low motion', description: 'subtle movement, steady camera', motion: 'low' as const },
    { label: 'High motion', description: 'big movement, moving camera', motion: 'high' as const },
  ], { title: 'Animate — motion' });
  return picked?.motion;
}

async function askUrl(title: string, prompt: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (v) => (isHttpUrl(v) ? undefined : 'Use an http(s) URL.') });
  return url?.trim() || undefined;
}

/** A workspace image is animatable when it is a downloaded result: use the URL it came from. */
async function urlOfWorkspaceImage(services: HostServices, uri: vscode.Uri): Promise<string | undefined> {
  await services.engine.engine();
  for (const job of services.engine.store.all()) {
    const asset = job.assets.find((a) => a.cachedPath === uri.fsPath && isHttpUrl(a.url));
    if (asset) return asset.url;
  }
  // Saved results carry a provenance sidecar (<file>.json) naming the job and the asset; the URL
  // itself is not written there (CONTRACT §10), so it comes from the history.
  try {
    const sidecar = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri.with({ path: `${uri.path}.json` })))) as {
      localId?: unknown; jobId?: unknown; asset?: { index?: unknown; kind?: unknown };
    };
    const job = (typeof sidecar.localId === 'string' ? services.engine.store.get(sidecar.localId) : undefined)
      ?? (typeof sidecar.jobId === 'string' ? services.engine.store.byJobId(sidecar.jobId) : undefined);
    const asset = job?.assets.find((a) => a.index === sidecar.asset?.index && a.kind === sidecar.asset?.kind);
    if (asset && isHttpUrl(asset.url)) return asset.url;
  } catch {
    // no sidecar: fall through
  }
  const choice = await vscode.window.showInformationMessage(
    'Midjourney needs the start frame as a public URL, and this file is not a downloaded result. Enter the URL where this image is published.',
    'Enter URL…',
  );
  return choice ? askUrl('Start frame URL', 'A public URL of this image') : undefined;
}
