// Blend Images: 2–5 images multi-selected in the explorer (or picked), with the blend dimensions.
import * as vscode from 'vscode';
import type { ImageInput, JobRecord } from '../../core/jobs/model';
import { contentTypeOf, imageInputFromUri, isUri, optionsArg } from './args';
import type { HostServices } from './services';

type Dimensions = 'Square' | 'Portrait' | 'Landscape';

/** `midjourney.blend(uri?, uris?, { dimensions?, urls? })` — returns the queued blend job. */
export async function blend(services: HostServices, uriArg?: unknown, urisArg?: unknown, optionsValue?: unknown): Promise<JobRecord | undefined> {
  const options = optionsArg<{ dimensions: Dimensions; urls: string[] }>(isUri(uriArg) || Array.isArray(urisArg) ? optionsValue : uriArg);
  let uris = Array.isArray(urisArg) ? urisArg.filter(isUri) : isUri(uriArg) ? [uriArg] : [];
  uris = uris.filter((u) => contentTypeOf(u.path) !== undefined);
  const images: ImageInput[] = [];
  for (const url of options.urls ?? []) images.push({ kind: 'url', url });
  if (images.length === 0 && uris.length < 2) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: true, title: 'Blend 2–5 images', filters: { Images: ['png', 'jpg', 'jpeg', 'webp', 'gif'] } });
    if (!picked) return undefined;
    uris = picked;
  }
  for (const uri of uris) images.push(await imageInputFromUri(uri));
  if (images.length < 2 || images.length > 5) throw new Error(`Blend takes 2 to 5 images; ${images.length} selected.`);
  let dimensions = options.dimensions;
  if (!dimensions) {
    const picked = await vscode.window.showQuickPick(
      [{ label: 'Square' as const, description: '1:1' }, { label: 'Portrait' as const, description: '2:3' }, { label: 'Landscape' as const, description: '3:2' }],
      { title: `Blend ${images.length} images — dimensions` },
    );
    if (!picked) return undefined;
    dimensions = picked.label;
  }
  const channel = services.settings.current.defaultChannel || undefined;
  const job = await services.engine.submit({ verb: 'blend', images, dimensions, channel }, { priority: 'user', channel });
  void services.jobsTree.reveal(job.id).catch(() => undefined);
  return job;
}
