// Press Button…: offers exactly the job's buttons. Custom Zoom asks for its prompt; with Remix on, the
// remix-capable buttons offer an optional new prompt; Vary (Region) needs a mask painted in the gallery.
import * as vscode from 'vscode';
import type { JobRecord } from '../../core/jobs/model';
import { acceptsRemixPrompt } from '../promptBuilder';
import { optionsArg, resolveJob } from './args';
import type { HostServices } from './services';

const hasButtons = (job: JobRecord): boolean => job.state === 'completed' && job.buttons.length > 0;

const BUTTON_HINTS: Record<string, string> = {
  U1: 'upscale image 1', U2: 'upscale image 2', U3: 'upscale image 3', U4: 'upscale image 4',
  V1: 'variations of image 1', V2: 'variations of image 2', V3: 'variations of image 3', V4: 'variations of image 4',
  '🔄': 'reroll the whole grid', '⬅️': 'pan left', '➡️': 'pan right', '⬆️': 'pan up', '⬇️': 'pan down',
  'Custom Zoom': 'zoom out with a new prompt', 'Vary (Region)': 'repaint a masked region (gallery)',
};

/** The prompt a job descends from (its own, or its nearest imagine ancestor's), for prefilled inputs. */
function originalPrompt(services: HostServices, job: JobRecord): string {
  let current: JobRecord | undefined = job;
  for (let depth = 0; current && depth < 50; depth++) {
    if (current.request.verb === 'imagine') return current.echoedPrompt ?? current.request.prompt;
    current = current.parentId ? services.engine.store.get(current.parentId) : undefined;
  }
  return job.echoedPrompt ?? '';
}

/** `midjourney.pressButton(ref, label?, { prompt?, mask? })` — returns the child job. */
export async function pressButton(services: HostServices, ref?: unknown, labelArg?: unknown, extraArg?: unknown): Promise<JobRecord | undefined> {
  const job = await resolveJob(services, ref, 'Press a button of which job?', hasButtons);
  if (!job.jobId) throw new Error('This job has no useapi job id yet.');
  if (job.state !== 'completed') throw new Error(`Buttons work on completed jobs; this one is ${job.state}.`);
  const extra = optionsArg<{ prompt: string; mask: string }>(extraArg);
  let label = typeof labelArg === 'string' ? labelArg : undefined;
  if (label === undefined) {
    const picked = await vscode.window.showQuickPick(
      job.buttons.map((b) => ({ label: b, description: BUTTON_HINTS[b] })),
      { title: `Press a button on “${job.jobId}”`, placeHolder: 'Only the buttons this job offers are listed' },
    );
    if (!picked) return undefined;
    label = picked.label;
  }
  if (!job.buttons.includes(label)) throw new Error(`“${label}” is not one of this job's buttons (${job.buttons.join(', ')}).`);

  let prompt = extra.prompt;
  if (label === 'Vary (Region)' && !extra.mask) {
    const open = await vscode.window.showInformationMessage(
      'Vary (Region) needs a mask of the area to repaint. Open the job in the gallery and paint the region with its mask editor.',
      'Open in Gallery',
    );
    if (open) await vscode.commands.executeCommand('midjourney.openGallery', { id: job.id });
    return undefined;
  }
  if (label === 'Custom Zoom' && !prompt) {
    prompt = await vscode.window.showInputBox({
      title: 'Custom Zoom',
      prompt: 'The prompt for the zoomed-out image, with --zoom between 1 and 2 (e.g. “… --zoom 1.5”).',
      value: `${originalPrompt(services, job).replace(/\s--zoom\s+\S+/, '')} --zoom 1.5`.trim(),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Custom Zoom needs a prompt.'),
    });
    if (!prompt) return undefined;
  } else if (prompt === undefined && typeof labelArg !== 'string' && acceptsRemixPrompt(label) && job.channel && services.channelModes.get(job.channel)?.remix) {
    const remix = await vscode.window.showInputBox({
      title: `${label} with Remix`,
      prompt: 'Remix is on: edit the prompt for this variation, or leave it as is.',
      value: originalPrompt(services, job),
      ignoreFocusOut: true,
    });
    if (remix === undefined) return undefined;
    prompt = remix.trim() || undefined;
  }
  const child = await services.engine.submit(
    { verb: 'button', parentJobId: job.jobId, button: label, prompt, mask: extra.mask },
    { priority: 'user' },
  );
  services.log.info(`Pressed ${label} on ${job.jobId}: child ${child.id}.`);
  return child;
}
