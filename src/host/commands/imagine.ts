// Imagine…: an input box for the text, then the parameter builder — a quick pick that shows the final
// prompt and lets the user set each parameter (values offered per model version) until "Submit".
import * as vscode from 'vscode';
import type { JobRecord } from '../../core/jobs/model';
import {
  ASPECT_RATIOS, MODEL_VERSIONS, QUICK_TEMPLATES, STYLIZE_PRESETS, buildImaginePrompt, findVersion, isHttpUrl, parseSeed,
  withDefaultParameters, type ImagineChoices,
} from '../promptBuilder';
import { optionsArg, UserCancelled } from './args';
import type { HostServices } from './services';

export interface ImagineOptions extends ImagineChoices {
  channel?: string;
}

/** `midjourney.imagine(options?)` — with `{ prompt }` it submits without any UI. Returns the queued job. */
export async function imagine(services: HostServices, arg?: unknown): Promise<JobRecord | undefined> {
  const options = optionsArg<ImagineOptions>(arg);
  let choices: ImagineChoices;
  if (typeof options.prompt === 'string') {
    choices = { ...options, prompt: options.prompt };
  } else {
    const interactive = await askChoices();
    if (!interactive) return undefined;
    choices = interactive;
  }
  const built = buildImaginePrompt(choices);
  if (built.problems.length) throw new Error(built.problems.join(' '));
  const prompt = withDefaultParameters(built.prompt, services.settings.current.defaultParameters);
  const channel = options.channel ?? (services.settings.current.defaultChannel || undefined);
  const job = await services.engine.submit({ verb: 'imagine', prompt, channel }, { priority: 'user', channel });
  services.log.info(`Imagine queued as ${job.id}.`);
  void services.jobsTree.reveal(job.id).catch(() => undefined);
  return job;
}

async function askChoices(): Promise<ImagineChoices | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Midjourney: Imagine',
    prompt: 'Describe the image. Next you can add parameters (aspect ratio, version, stylize…) or pick a template.',
    placeHolder: 'a lighthouse on a basalt cliff in a storm, cinematic light',
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > 5000 ? 'Midjourney accepts at most 5000 characters.' : undefined),
  });
  if (text === undefined) return undefined;
  const choices: ImagineChoices = { prompt: text };
  try {
    return (await parameterLoop(choices)) ? choices : undefined;
  } catch (error) {
    if (error instanceof UserCancelled) return undefined;
    throw error;
  }
}

type LoopItem = vscode.QuickPickItem & { run?: () => Promise<void>; submit?: boolean };

const onOff = (v: boolean | undefined): string => (v ? 'on' : 'off');

/** Returns true when the user chose Submit. Mutates `c`. */
async function parameterLoop(c: ImagineChoices): Promise<boolean> {
  for (;;) {
    const version = findVersion(c.version);
    const built = buildImaginePrompt(c);
    const items: LoopItem[] = [];
    if (built.problems.length === 0) items.push({ label: '$(sparkle) Submit', detail: built.prompt, submit: true, alwaysShow: true });
    else items.push({ label: '$(warning) Not ready to submit', detail: built.problems.join(' '), alwaysShow: true });
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: 'Prompt', description: c.prompt || '(empty)', run: async () => { c.prompt = (await text('Prompt', c.prompt)) ?? c.prompt; } },
      { label: 'Start from a template', description: QUICK_TEMPLATES.map((t) => t.label).join(', '), run: async () => {
        const t = await vscode.window.showQuickPick(QUICK_TEMPLATES.map((q) => ({ label: q.label, detail: q.text, text: q.text })), { title: 'Quick template (text only, no parameters)' });
        if (t) c.prompt = c.prompt.trim() ? `${t.text} ${c.prompt.trim()}` : t.text;
      } },
      { label: 'Aspect ratio', description: c.aspectRatio ?? '1:1', run: async () => { c.aspectRatio = await pick('Aspect ratio (--ar)', ASPECT_RATIOS, c.aspectRatio); } },
      { label: 'Model version', description: c.version ?? 'account default', run: async () => {
        c.version = await pick('Model version (--v / --niji)', MODEL_VERSIONS.map((v) => v.id), c.version);
        const v = findVersion(c.version);
        if (c.quality && !v.quality.includes(c.quality)) c.quality = undefined;
      } },
      { label: 'Stylize', description: c.stylize?.toString() ?? 'default', run: async () => {
        const presets = STYLIZE_PRESETS.map((p) => `${p.value} — ${p.label}`);
        const chosen = await pick('Stylize (--s), 0–1000', [...presets, 'Custom…'], undefined);
        if (chosen === 'Custom…') c.stylize = await number('Stylize (--s)', 0, 1000, c.stylize);
        else c.stylize = chosen === undefined ? undefined : Number(chosen.split(' ')[0]);
      } },
      { label: 'Chaos', description: c.chaos?.toString() ?? '0', run: async () => { c.chaos = await number('Chaos (--c): higher = more varied results', 0, 100, c.chaos); } },
      { label: 'Quality', description: c.quality ?? 'default', detail: `Version ${version.id}: ${version.quality.join(', ')}`, run: async () => { c.quality = await pick(`Quality (--q) for version ${version.id}`, version.quality, c.quality); } },
      { label: 'Weird', description: c.weird?.toString() ?? '0', run: async () => { c.weird = await number('Weird (--weird): experimental aesthetic', 0, 3000, c.weird); } },
      { label: 'Raw', description: onOff(c.raw), run: async () => { c.raw = !c.raw; } },
      { label: 'Tile', description: onOff(c.tile), run: async () => { c.tile = !c.tile; } },
      { label: 'Seed', description: c.seed?.toString() ?? 'random', run: async () => {
        const s = await text('Seed (--seed), 0–4294967295; empty for random', c.seed?.toString() ?? '', (v) => (v.trim() === '' || parseSeed(v) !== undefined ? undefined : 'A whole number from 0 to 4294967295.'));
        if (s !== undefined) c.seed = s.trim() === '' ? undefined : parseSeed(s);
      } },
      { label: 'Exclude (--no)', description: c.no || 'nothing', run: async () => { c.no = (await text('Elements to exclude (--no)', c.no ?? '')) ?? c.no; } },
      { label: 'Image prompts', description: c.imagePrompts?.length ? `${c.imagePrompts.length} URL(s)` : 'none', run: async () => {
        const urls = await text('Image prompt URLs (space-separated) placed before the text', (c.imagePrompts ?? []).join(' '), (v) => (v.trim() === '' || v.trim().split(/\s+/).every(isHttpUrl) ? undefined : 'Use http(s) URLs.'));
        if (urls !== undefined) c.imagePrompts = urls.trim() ? urls.trim().split(/\s+/) : undefined;
        if (c.imagePrompts) c.imageWeight = await number(`Image weight (--iw), 0–${version.imageWeightMax}; empty for the default`, 0, version.imageWeightMax, c.imageWeight, false);
      } },
      { label: 'Style reference', description: c.styleReference ?? 'none', run: async () => {
        c.styleReference = await url('Style reference URL (--sref)', c.styleReference);
        if (c.styleReference) c.styleWeight = await number('Style weight (--sw), 0–1000; empty for 100', 0, 1000, c.styleWeight);
      } },
    );
    if (version.omniReference) {
      items.push({ label: 'Omni reference', description: c.omniReference ?? 'none', detail: 'A person’s likeness or an object’s form (V7)', run: async () => {
        c.omniReference = await url('Omni reference URL (--oref)', c.omniReference);
        if (c.omniReference) c.omniWeight = await number('Omni weight (--ow), 1–1000; empty for 100', 1, 1000, c.omniWeight);
      } });
    }
    if (version.characterReference) {
      items.push({ label: 'Character reference', description: c.characterReference ?? 'none', detail: 'A character’s likeness (V6)', run: async () => {
        c.characterReference = await url('Character reference URL (--cref)', c.characterReference);
        if (c.characterReference) c.characterWeight = await number('Character weight (--cw), 0–100; empty for 100', 0, 100, c.characterWeight);
      } });
    }
    const chosen = await vscode.window.showQuickPick(items, { title: 'Midjourney: Imagine — parameters', placeHolder: 'Pick a parameter to change, or Submit', ignoreFocusOut: true, matchOnDetail: false });
    if (!chosen) return false;
    if (chosen.submit) return true;
    if (chosen.run) await chosen.run();
  }
}

async function text(title: string, value: string, validateInput?: (v: string) => string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, value, ignoreFocusOut: true, validateInput });
}

async function pick(title: string, values: readonly string[], current: string | undefined): Promise<string | undefined> {
  const items = [{ label: 'Default', description: 'do not set' }, ...values.map((v) => ({ label: v, description: v === current ? 'current' : undefined }))];
  const chosen = await vscode.window.showQuickPick(items, { title });
  if (!chosen) return current;
  return chosen.label === 'Default' ? undefined : chosen.label;
}

async function number(title: string, min: number, max: number, current: number | undefined, integer = true): Promise<number | undefined> {
  const value = await text(title, current?.toString() ?? '', (v) => {
    if (v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n)) ? undefined : `A ${integer ? 'whole ' : ''}number from ${min} to ${max}.`;
  });
  if (value === undefined) return current;
  return value.trim() === '' ? undefined : Number(value);
}

async function url(title: string, current: string | undefined): Promise<string | undefined> {
  const value = await text(`${title}; empty for none`, current ?? '', (v) => (v.trim() === '' || isHttpUrl(v) ? undefined : 'Use an http(s) URL.'));
  if (value === undefined) return current;
  return value.trim() || undefined;
}
