// From a .prompts text to diagnostics and the exact jobs it would send. One pass over the parsed
// lines keeps the directive scope (file level, then per `### block`), expands every prompt and
// checks each job it becomes.
import { checkValue, imageNotFound, removeParamEdits, replaceFix, resolveImagePath, type PathEnv } from './check';
import { toPromptDiagnostic, type PromptDiagnostic, type RawDiagnostic } from './diagnostics';
import { estimateJob, type JobEstimate } from './estimate';
import {
  ALL_MODELS, ALL_SPELLINGS, DEFAULT_MODEL, DIRECTIVES, MODEL_LABEL, OUT_PLACEHOLDERS, PARAMS, closest, findDirective,
  modelOfVersion, supportsModel, type Model, type ParamDef,
} from './params';
import { parseFile, type DirectiveNode, type ParsedFile, type PromptNode } from './parse';
import { insertNames, permute, type NamedText } from './permute';
import { MappedText } from './text';
import { classify, isImagePath, paramText, tokenize, type Origin, type ParamUse, type PromptParts, type Token } from './tokens';

export const MAX_PROMPT_LENGTH = 5000;
export const DEFAULT_MAX_EXPANSION = 40;
export const MAX_REPEAT = 40;

export interface AnalyzeOptions {
  /** Folder of the .prompts file: relative image paths resolve against it. */
  fileDir: string;
  /** Path of the file, copied into `source.file` of every job (default ''). */
  file?: string;
  /** Workspace folder: image paths not found next to the file are looked up here. */
  workspaceRoot?: string;
  /** Enables the "image not found" check. */
  fileExists?: (absPath: string) => boolean;
  /** Parameters added to every prompt that does not set them (setting `midjourney.defaults.parameters`). */
  defaults?: string;
  /** A prompt expanding to more jobs than this is an error (default 40). */
  maxExpansion?: number;
  /**
   * The analysis of an earlier version of the same file: prompts whose text and directives did not
   * change are taken from it instead of being checked again (an edit re-checks one prompt).
   */
  previous?: FileAnalysis;
}

/** A workspace image path inside `request.prompt`; it must become a URL before the job is sent. */
export interface ImagePathRef {
  /** The path as written in the prompt. */
  text: string;
  absPath: string;
  /** Index of `text` in `request.prompt`. */
  offset: number;
}

export interface ExpandedJob {
  request: { verb: 'imagine'; prompt: string; channel?: string };
  source: { file: string; line: number; block?: string; outPattern?: string };
  channel?: string;
  outPattern?: string;
  /** `@autopilot`: AI assist picks the best image of the grid. */
  autopilot?: boolean;
  /** Workspace image paths in the prompt; replace them by URLs first (see `withImageUrls`). */
  imagePaths?: ImagePathRef[];
  jobType: 'image' | 'video';
  /** Position among the jobs of its prompt (0-based). */
  variant: number;
  estimate: JobEstimate;
}

export interface PromptAnalysis {
  node: PromptNode;
  /** Jobs the prompt expands to: permutations × repeat (may exceed `jobs.length` when over the limit). */
  count: number;
  jobs: ExpandedJob[];
  errors: number;
  model: Model;
  video: boolean;
  /** The prompt's own words (first permutation), for hovers; computed on first use. */
  readonly parts: PromptParts;
  /** Names visible to the prompt (`@var`/`@template`). */
  names: ReadonlyMap<string, NamedText>;
}

export interface FileAnalysis {
  parsed: ParsedFile;
  prompts: PromptAnalysis[];
  diagnostics: PromptDiagnostic[];
  /** Jobs of every prompt without errors, in file order. */
  jobs: ExpandedJob[];
  /** Per-prompt results for `AnalyzeOptions.previous` (opaque). */
  readonly cache: PromptCache;
}

/** Results of prompts by the directives that apply to them and their text. */
export interface PromptCache {
  readonly optionsKey: string;
  readonly scopes: Map<string, Map<string, CachedPrompt>>;
}

interface CachedPrompt {
  start: number;
  end: number;
  line: number;
  count: number;
  jobs: ExpandedJob[];
  diags: RawDiagnostic[];
  /** Errors of the prompt itself (pasted tokens are counted per run). */
  errors: number;
  model: Model;
  video: boolean;
}

class PromptResult implements PromptAnalysis {
  private tokens: PromptParts | undefined;

  constructor(
    readonly node: PromptNode, readonly count: number, readonly jobs: ExpandedJob[], readonly errors: number, readonly model: Model,
    readonly video: boolean, readonly names: ReadonlyMap<string, NamedText>, private readonly firstVariant: MappedText | undefined,
  ) {}

  /** Tokens are rebuilt on demand (hovers) rather than kept for every prompt of a big file. */
  get parts(): PromptParts {
    const variant = this.firstVariant ?? permute(insertNames(this.node.text, this.names, []), 1, []).variants[0];
    return (this.tokens ??= classify(tokenize(variant, 'prompt')));
  }
}

interface Scope {
  /** The directives that made this scope, as written: prompts under equal keys expand alike. */
  key: string;
  names: Map<string, NamedText>;
  defaults: MappedText[];
  prefix?: MappedText;
  suffix?: MappedText;
  channel?: string;
  repeat: number;
  out?: string;
  autopilot: boolean;
  /** No directive of the scope names a workspace image, so its prompts may be cached. */
  imageFree?: boolean;
  /** Text directives and defaults, resolved once per scope. */
  resolved?: ResolvedScope;
}

interface ResolvedScope {
  prefixes: Token[][];
  suffixes: Token[][];
  defaults: ParamUse[][];
}

function cloneScope(s: Scope): Scope {
  return { ...s, names: new Map(s.names), defaults: [...s.defaults], resolved: undefined, imageFree: undefined };
}

const SECRET_PATTERNS: readonly { re: RegExp; what: string }[] = [
  { re: /user:\d+-[A-Za-z0-9]{8,}/g, what: 'a useapi.net API token' },
  { re: /(?<![\w.-])(?:mfa\.[\w-]{20,}|[MNO][\w-]{23,27}\.[\w-]{6,7}\.[\w-]{27,40})(?![\w.-])/g, what: 'a Discord token' },
];

export function analyzeFile(text: string, options: AnalyzeOptions): FileAnalysis {
  return new Analyzer(text, options).run();
}

class Analyzer {
  private readonly parsed: ParsedFile;
  private readonly env: PathEnv;
  private readonly limit: number;
  private readonly raw: RawDiagnostic[] = [];
  private readonly settingDefaults: ParamUse[];
  private readonly secrets: RawDiagnostic[] = [];
  private readonly cache: PromptCache;
  private readonly previous: PromptCache | undefined;

  constructor(private readonly text: string, private readonly options: AnalyzeOptions) {
    this.parsed = parseFile(text);
    this.env = { fileDir: options.fileDir, workspaceRoot: options.workspaceRoot, fileExists: options.fileExists };
    this.limit = Math.max(1, Math.floor(options.maxExpansion ?? DEFAULT_MAX_EXPANSION));
    this.settingDefaults = this.parseSettingDefaults(options.defaults ?? '');
    const optionsKey = JSON.stringify([options.file, options.fileDir, options.workspaceRoot, options.defaults, this.limit, options.fileExists !== undefined]);
    this.cache = { optionsKey, scopes: new Map() };
    const previous = options.previous?.cache;
    this.previous = previous?.optionsKey === optionsKey ? previous : undefined;
  }

  run(): FileAnalysis {
    const raw = this.raw;
    raw.push(...this.parsed.diagnostics);
    this.scanSecrets();
    raw.push(...this.secrets);
    let fileScope: Scope = { key: '', names: new Map(), defaults: [], repeat: 1, autopilot: false };
    let scope = fileScope;
    let fileLevel = true;
    const prompts: PromptAnalysis[] = [];
    const jobs: ExpandedJob[] = [];
    const blockNames = new Map<string, number>();

    for (const node of this.parsed.nodes) {
      if (node.kind === 'comment') continue;
      if (node.kind === 'block') {
        if (fileLevel) fileLevel = false;
        scope = cloneScope(fileScope);
        scope.key += '\u0002';
        if (node.name) {
          const seen = blockNames.get(node.name.toLowerCase());
          if (seen !== undefined) {
            raw.push({ start: node.nameStart, end: node.end, severity: 'warning', code: 'duplicate-block-name',
              message: `Another block on line ${seen + 1} has the name "${node.name}"; result files and reports would mix them up.` });
          } else blockNames.set(node.name.toLowerCase(), node.line);
        }
        continue;
      }
      if (node.kind === 'directive') {
        const next = cloneScope(scope);
        next.key += '\u0001' + this.text.slice(node.start, node.end);
        this.applyDirective(node, next);
        scope = next;
        if (fileLevel) fileScope = next;
        continue;
      }
      const analysis = this.analyzePrompt(node, scope);
      prompts.push(analysis);
      if (analysis.errors === 0) jobs.push(...analysis.jobs);
    }
    const lines = this.parsed.lines;
    const diagnostics = dedupe(raw).map((d) => toPromptDiagnostic(d, lines));
    return { parsed: this.parsed, prompts, diagnostics, jobs, cache: this.cache };
  }

  private scanSecrets(): void {
    for (const { re, what } of SECRET_PATTERNS) {
      re.lastIndex = 0;
      for (const m of this.text.matchAll(re)) {
        const start = m.index;
        const end = start + m[0].length;
        this.secrets.push({ start, end, severity: 'error', code: 'secret-in-file',
          message: `This looks like ${what}. Tokens must not be kept in files that may be committed or shared; remove it (and revoke it if it was pushed).`,
          fix: { title: 'Remove the token', edits: [{ start, end, newText: '' }] } });
      }
    }
  }

  private parseSettingDefaults(text: string): ParamUse[] {
    if (!text.trim()) return [];
    const tokens = tokenize(MappedText.exact(text, -1), 'setting').map((t) => ({ ...t, start: -1, end: -1, exact: false }));
    return classify(tokens).params.filter((p) => p.def !== undefined);
  }

  // --- Directives ---------------------------------------------------------------------------

  private applyDirective(d: DirectiveNode, scope: Scope): void {
    const raw = this.raw;
    const def = findDirective(d.name);
    const value = d.value.text.trim();
    if (!def) {
      if (!d.name) return; // reported by the parser
      const suggestion = closest(d.name, DIRECTIVES.map((x) => x.name));
      raw.push({ start: d.nameStart, end: d.nameEnd, severity: 'error', code: 'unknown-directive',
        message: `Unknown directive @${d.name}${suggestion ? `. Did you mean @${suggestion}?` : ''} Directives: ${DIRECTIVES.map((x) => '@' + x.name).join(' ')}.`,
        fix: suggestion ? { title: `Change to @${suggestion}`, edits: [{ start: d.nameStart, end: d.nameEnd, newText: '@' + suggestion }] } : undefined });
      return;
    }
    const whole = { start: d.start, end: d.end };
    switch (def.name) {
      case 'defaults':
        this.checkDefaultsDirective(d, scope);
        scope.defaults.push(d.value);
        return;
      case 'prefix':
        scope.prefix = value ? d.value : undefined;
        return;
      case 'suffix':
        scope.suffix = value ? d.value : undefined;
        return;
      case 'channel':
        if (!value || /\s/.test(value)) {
          raw.push({ ...whole, severity: 'error', code: 'invalid-directive', message: 'Write `@channel <channel id>` (one id, no spaces), or `@channel auto` to let the service choose.' });
          return;
        }
        scope.channel = value.toLowerCase() === 'auto' ? undefined : value;
        return;
      case 'repeat': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1 || n > MAX_REPEAT) {
          raw.push({ ...whole, severity: 'error', code: 'invalid-directive', message: `@repeat needs a whole number from 1 to ${MAX_REPEAT}.` });
          return;
        }
        scope.repeat = n;
        return;
      }
      case 'out': {
        if (!value) {
          raw.push({ ...whole, severity: 'error', code: 'invalid-directive', message: 'Write `@out <pattern>`, e.g. `@out {block}/{prompt}-{index}`.' });
          return;
        }
        for (const m of d.value.text.matchAll(/\{([^{}]*)\}/g)) {
          if (!OUT_PLACEHOLDERS.includes(m[1])) {
            const start = d.value.startOf(m.index);
            const end = d.value.endOf(m.index + m[0].length);
            const suggestion = closest(m[1], OUT_PLACEHOLDERS);
            raw.push({ start, end, severity: 'warning', code: 'unknown-placeholder',
              message: `Unknown placeholder {${m[1]}}; it stays as written. Known: ${OUT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`,
              fix: suggestion && d.value.isExact(m.index, m.index + m[0].length) ? { title: `Change to {${suggestion}}`, edits: [{ start, end, newText: `{${suggestion}}` }] } : undefined });
          }
        }
        scope.out = value;
        return;
      }
      case 'var':
      case 'template':
        if (d.key) scope.names.set(d.key, { kind: def.name, value: d.value });
        return;
      case 'autopilot': {
        const v = value.toLowerCase();
        if (v === '' || v === 'on' || v === 'true') scope.autopilot = true;
        else if (v === 'off' || v === 'false') scope.autopilot = false;
        else raw.push({ ...whole, severity: 'error', code: 'invalid-directive', message: 'Write `@autopilot` (or `@autopilot on`) to turn AI picking on, `@autopilot off` to turn it off.' });
        return;
      }
    }
  }

  /** `@defaults` takes only parameters; each must be valid for at least one model. */
  private checkDefaultsDirective(d: DirectiveNode, scope: Scope): void {
    const diags: RawDiagnostic[] = [];
    const expanded = permute(insertNames(d.value, scope.names, diags), 1, diags);
    const parts = classify(tokenize(expanded.variants[0], 'defaults'));
    const stray = [...parts.images, ...parts.words];
    if (stray.length > 0) {
      diags.push({ start: stray[0].start, end: stray[stray.length - 1].end, severity: 'error', code: 'invalid-default',
        message: '@defaults takes only parameters (`--ar 16:9 --v 7`); use @prefix or @suffix for text.' });
    }
    for (const p of parts.params) {
      if (!p.def) {
        diags.push(this.unknownParam(p));
        continue;
      }
      const problems = ALL_MODELS.map((m) => checkValue(p, p.def as ParamDef, m, this.env));
      if (problems.every((x) => x !== undefined)) diags.push(problems[0]);
    }
    this.raw.push(...diags);
  }

  // --- Prompts ------------------------------------------------------------------------------

  private resolveScope(scope: Scope): ResolvedScope {
    if (scope.resolved) return scope.resolved;
    const diags = this.raw;
    const textVariants = (mt: MappedText | undefined, origin: Origin): Token[][] => {
      if (!mt) return [[]];
      const p = permute(insertNames(mt, scope.names, diags), this.limit, diags);
      return p.variants.map((v) => {
        const tokens = tokenize(v, origin);
        for (const t of tokens) {
          if (t.text.startsWith('--') && t.text.length > 2) {
            diags.push({ start: t.start, end: t.end, severity: 'error', code: 'parameters-in-text-directive',
              message: `@${origin} is text; put parameters such as ${t.text} in @defaults.` });
          }
        }
        return tokens;
      });
    };
    let defaults: ParamUse[][] = [[]];
    if (scope.defaults.length > 0) {
      const quiet: RawDiagnostic[] = []; // already reported on the directive lines
      const joined = insertNames(MappedText.concat(scope.defaults, ' '), scope.names, quiet);
      defaults = permute(joined, this.limit, quiet).variants.map((v) => lastWins(classify(tokenize(v, 'defaults')).params.filter((p) => p.def)));
    }
    scope.resolved = { prefixes: textVariants(scope.prefix, 'prefix'), suffixes: textVariants(scope.suffix, 'suffix'), defaults };
    return scope.resolved;
  }

  private analyzePrompt(node: PromptNode, scope: Scope): PromptAnalysis {
    const resolved = this.resolveScope(scope);
    // Image paths are checked against the disk, which may have changed: such prompts are always re-checked.
    scope.imageFree ??= !mayNameImagePath(scope.key);
    const cacheable = scope.imageFree && !mayNameImagePath(node.text.text);
    const promptKey = cacheable ? `${node.block?.name ?? ''}\u0000${this.text.slice(node.start, node.end)}` : '';
    if (cacheable) {
      const hit = this.previous?.scopes.get(scope.key)?.get(promptKey);
      if (hit) return this.reuse(hit, node, scope, promptKey);
    }
    const diags: RawDiagnostic[] = [];
    const own = permute(insertNames(node.text, scope.names, diags), this.limit, diags);
    const combos = own.count * resolved.prefixes.length * resolved.suffixes.length * resolved.defaults.length;
    const count = combos * scope.repeat;
    const ownParts = own.variants.map((v) => classify(tokenize(v, 'prompt')));
    const firstLineEnd = this.parsed.lines.lineEnd(node.line);
    if (count > this.limit) {
      diags.push({ start: node.start, end: firstLineEnd, severity: 'error', code: 'too-many-jobs',
        message: `This prompt expands to ${count} jobs (${describeCount(own.count, resolved, scope.repeat)}), more than the limit of ${this.limit} (setting midjourney.prompts.maxExpansion). Nothing is sent for it.` });
    }
    const jobs: ExpandedJob[] = [];
    let model: Model = DEFAULT_MODEL;
    let video = false;
    const maxBuild = count > this.limit ? 1 : this.limit;
    outer: for (const parts of ownParts) {
      for (const prefix of resolved.prefixes) {
        for (const suffix of resolved.suffixes) {
          for (const defaults of resolved.defaults) {
            const built = this.buildJob(node, scope, parts, prefix, suffix, defaults, diags);
            if (jobs.length === 0) {
              model = built.model;
              video = built.video;
            }
            for (let r = 0; r < scope.repeat; r++) {
              if (r === 0) {
                built.job.variant = jobs.length;
                jobs.push(built.job);
              } else {
                jobs.push({ ...built.job, variant: jobs.length });
              }
              if (jobs.length >= maxBuild) break outer;
            }
          }
        }
      }
    }
    const unique = own.variants.length > 1 ? dedupe(diags) : diags;
    this.raw.push(...unique);
    let errors = 0;
    for (const d of unique) if (d.severity === 'error') errors++;
    const sent = count > this.limit ? [] : jobs;
    if (cacheable && unique.every((d) => d.start >= node.start && d.end <= node.end)) {
      this.remember(scope.key, promptKey, { start: node.start, end: node.end, line: node.line, count, jobs: sent, diags: unique, errors, model, video });
    }
    return new PromptResult(node, count, sent, errors + this.secretsIn(node), model, video, scope.names, own.variants[0]);
  }

  private secretsIn(node: PromptNode): number {
    let n = 0;
    for (const d of this.secrets) if (d.start < node.end && d.end > node.start) n++;
    return n;
  }

  private remember(scopeKey: string, promptKey: string, entry: CachedPrompt): void {
    let prompts = this.cache.scopes.get(scopeKey);
    if (!prompts) this.cache.scopes.set(scopeKey, (prompts = new Map<string, CachedPrompt>()));
    prompts.set(promptKey, entry);
  }

  /** A prompt unchanged since the previous analysis, moved to where it is now. */
  private reuse(hit: CachedPrompt, node: PromptNode, scope: Scope, promptKey: string): PromptAnalysis {
    const delta = node.start - hit.start;
    const lineMoved = node.line !== hit.line;
    const shift = (d: RawDiagnostic): RawDiagnostic => ({
      ...d, start: d.start + delta, end: d.end + delta,
      fix: d.fix && { title: d.fix.title, edits: d.fix.edits.map((e) => ({ start: e.start + delta, end: e.end + delta, newText: e.newText })) },
    });
    const diags = delta === 0 ? hit.diags : hit.diags.map(shift);
    const jobs = lineMoved ? hit.jobs.map((j) => ({ ...j, source: { ...j.source, line: node.line } })) : hit.jobs;
    for (const d of diags) this.raw.push(d);
    this.remember(scope.key, promptKey, delta === 0 && !lineMoved ? hit : { ...hit, start: node.start, end: node.end, line: node.line, diags, jobs });
    return new PromptResult(node, hit.count, jobs, hit.errors + this.secretsIn(node), hit.model, hit.video, scope.names, undefined);
  }

  private buildJob(node: PromptNode, scope: Scope, own: PromptParts, prefix: Token[], suffix: Token[], defaults: ParamUse[], diags: RawDiagnostic[]): { job: ExpandedJob; model: Model; video: boolean } {
    // The model: the prompt's own version parameter, else the defaults', else Midjourney's default.
    const ownVersion = versionOf(own.params);
    const version = ownVersion ?? versionOf(defaults) ?? versionOf(this.settingDefaults);
    const model: Model = version?.model ?? DEFAULT_MODEL;
    const modelSource = version?.param;
    const video = hasParam(own.params, 'video') || (!ownVersion && (hasParam(defaults, 'video') || hasParam(this.settingDefaults, 'video')));

    const applied = this.applicableDefaults(own, defaults, model, video);
    this.checkPrompt(node, own, prefix, suffix, applied, model, modelSource, video, diags);

    // Assemble: images, prefix, text, suffix, the prompt's parameters, then the defaults it lacks.
    const out: Assembly = { words: [], length: 0, imagePaths: undefined };
    for (const t of own.images) this.append(out, t, true);
    for (const t of prefix) this.append(out, t, false);
    for (const t of own.words) this.append(out, t, false);
    for (const t of suffix) this.append(out, t, false);
    this.appendParams(out, own.params);
    this.appendParams(out, applied);
    const prompt = out.words.join(' ');
    if (prompt.length > MAX_PROMPT_LENGTH) {
      diags.push({ start: node.start, end: this.parsed.lines.lineEnd(node.line), severity: 'error', code: 'prompt-too-long',
        message: `This prompt is ${prompt.length} characters after expansion; Midjourney accepts at most ${MAX_PROMPT_LENGTH}.` });
    }
    const source: ExpandedJob['source'] = { file: this.options.file ?? '', line: node.line };
    if (node.block?.name) source.block = node.block.name;
    if (scope.out) source.outPattern = scope.out;
    const job: ExpandedJob = {
      request: scope.channel ? { verb: 'imagine', prompt, channel: scope.channel } : { verb: 'imagine', prompt },
      source,
      jobType: video ? 'video' : 'image',
      variant: 0,
      estimate: estimateJob(own.params, applied, video),
    };
    if (scope.channel) job.channel = scope.channel;
    if (scope.out) job.outPattern = scope.out;
    if (scope.autopilot) job.autopilot = true;
    if (out.imagePaths) job.imagePaths = out.imagePaths;
    return { job, model, video };
  }

  private appendParams(out: Assembly, params: readonly ParamUse[]): void {
    for (const p of params) {
      this.append(out, p.nameToken, false);
      const refs = p.def?.value.kind === 'refs';
      for (const v of p.values) this.append(out, v, refs);
    }
  }

  private append(out: Assembly, t: Token, mayBeImage: boolean): void {
    const offset = out.words.length === 0 ? 0 : out.length + 1;
    if (mayBeImage && t.origin !== 'setting') {
      const path = t.text.replace(WEIGHT, '');
      if (isImagePath(path)) {
        (out.imagePaths ??= []).push({ text: path, absPath: resolveImagePath(path, this.env).absPath, offset });
      }
    }
    out.words.push(t.text);
    out.length = offset + t.text.length;
  }

  /** Defaults the prompt lacks and that fit its model; anything that would be wrong is left out. */
  private applicableDefaults(own: PromptParts, fromDirectives: readonly ParamUse[], model: Model, video: boolean): ParamUse[] {
    const settings = this.settingDefaults;
    if (fromDirectives.length === 0 && settings.length === 0) return [];
    const out: ParamUse[] = [];
    for (let pass = 0; pass < 2; pass++) {
      for (const list of [fromDirectives, settings]) {
        for (const p of list) {
          const def = p.def as ParamDef;
          if ((def.needs !== undefined) !== (pass === 1)) continue;
          if (own.params.some((q) => q.def === def || (def.group !== undefined && q.def?.group === def.group))) continue;
          if (out.some((q) => q.def === def)) continue;
          if (!supportsModel(def, model)) continue;
          if ((def.video === 'only' && !video) || (def.video === 'no' && video)) continue;
          if (def.needs && !hasParam(own.params, def.needs) && !hasParam(out, def.needs)) continue;
          if (!defaultValid(p, def, model)) continue;
          out.push(p);
        }
      }
    }
    return out;
  }

  private unknownParam(p: ParamUse): RawDiagnostic {
    const t = p.nameToken;
    const spelled = p.spelled;
    // `--ar16:9`: a known name glued to its value.
    for (const name of ALL_SPELLINGS) {
      if (spelled.length > name.length && spelled.startsWith(name)) {
        const rest = t.text.slice(t.text.length - (spelled.length - name.length));
        if (/^[\d.:]/.test(rest) || (name === 'sref' && /^random$/i.test(rest))) {
          const head = t.text.slice(0, t.text.length - rest.length);
          return { start: t.start, end: t.end, severity: 'error', code: 'missing-space',
            message: `"${t.text}" needs a space: ${head} ${rest}.`, fix: replaceFix(t, `${head} ${rest}`, `Insert a space: ${head} ${rest}`) };
        }
      }
    }
    const suggestion = closest(spelled, PARAMS.flatMap((d) => [d.name, ...d.aliases]));
    const dash = p.emDash ? '—' : '--';
    return { start: t.start, end: t.end, severity: 'error', code: 'unknown-parameter',
      message: `Unknown parameter ${t.text}${suggestion ? `. Did you mean --${suggestion}?` : '.'}`,
      fix: suggestion ? replaceFix(t, dash + suggestion, `Change to ${dash}${suggestion}`) : undefined };
  }

  private checkPrompt(node: PromptNode, own: PromptParts, prefix: Token[], suffix: Token[], applied: ParamUse[], model: Model, versionParam: ParamUse | undefined, video: boolean, diags: RawDiagnostic[]): void {
    const env = this.env;
    const doc = this.text;
    for (const img of own.images) {
      const missing = imageNotFound(img, env);
      if (missing) diags.push(missing);
    }
    if (own.words.length + prefix.length + suffix.length === 0 && own.images.length === 0) {
      diags.push({ start: node.start, end: this.parsed.lines.lineEnd(node.line), severity: 'error', code: 'empty-prompt',
        message: 'This prompt has parameters but no text or image: Midjourney needs something to draw.' });
    }
    const label = MODEL_LABEL[model];
    for (const p of own.params) {
      const t = p.nameToken;
      if (!p.def) {
        diags.push(this.unknownParam(p));
        continue;
      }
      const def = p.def;
      if (p.emDash) {
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'em-dash',
          message: `${t.text} starts with an em dash (—), which some keyboards make from "--". Write --${p.spelled}.`,
          fix: replaceFix(t, '--' + p.spelled, `Change to --${p.spelled}`) });
      }
      const earlier = firstWith(own.params, def);
      if (earlier && earlier !== p) {
        const edits = removeParamEdits(p, doc);
        diags.push({ start: t.start, end: (p.values[p.values.length - 1] ?? t).end, severity: 'error', code: 'duplicate-parameter',
          message: `${t.text} is given twice in this prompt (also as ${earlier.nameToken.text} ${earlier.values.map((v) => v.text).join(' ')}).`,
          fix: edits ? { title: `Remove this ${t.text}`, edits } : undefined });
      }
      if (def.group && def.group !== 'style') {
        const other = earlierOfGroup(own.params, p);
        if (other) {
          diags.push({ start: t.start, end: t.end, severity: 'error', code: 'conflicting-parameters',
            message: `${t.text} conflicts with ${other.nameToken.text}: a prompt can use only one of them.` });
        }
      }
      // Model support.
      if (!supportsModel(def, model)) {
        const modelSource = describeModelSource(versionParam);
        if (def.name === 'cref' || def.name === 'cw') {
          const repl = def.name === 'cref' ? '--oref' : '--ow';
          diags.push({ start: t.start, end: t.end, severity: model === 'legacy' ? 'warning' : 'error', code: 'version-mismatch',
            message: `${t.text} works with V6, V6.1 and Niji 6 only; this prompt uses ${label} (${modelSource}). In V7 use ${repl}${def.name === 'cw' ? ' (1–1000)' : ' (omni reference)'}.`,
            fix: def.name === 'cref' && p.values.length === 1 ? replaceFix(t, repl, `Change to ${repl}`) : undefined });
        } else if (def.name === 'oref' || def.name === 'ow') {
          const v6 = model === 'v6' || model === 'v6.1' || model === 'niji6';
          const repl = def.name === 'oref' ? '--cref' : '--cw';
          diags.push({ start: t.start, end: t.end, severity: 'error', code: 'version-mismatch',
            message: `${t.text} needs V7; this prompt uses ${label} (${modelSource}).${v6 ? ` Use ${repl} for ${label}, or add --v 7.` : ' Add --v 7.'}`,
            fix: v6 && def.name === 'oref' ? replaceFix(t, repl, `Change to ${repl}`) : undefined });
        } else if (def.models?.length === 1 && def.models[0] === 'legacy') {
          diags.push({ start: t.start, end: t.end, severity: 'error', code: 'version-mismatch',
            message: `${t.text} was removed after V5; ${label} (${modelSource}) does not accept it.` });
        } else {
          const where = def.models?.map((m) => MODEL_LABEL[m]).join(', ') ?? '';
          diags.push({ start: t.start, end: t.end, severity: model === 'legacy' ? 'warning' : 'error', code: 'version-mismatch',
            message: `${t.text} is not available for ${label} (${modelSource}); it works with ${where}.` });
        }
      } else {
        const valueProblem = checkValue(p, def, model, env);
        if (valueProblem) {
          if (valueProblem.code === 'text-after-parameters') valueProblem.fix = moveTextFix(p, own, doc) ?? valueProblem.fix;
          diags.push(valueProblem);
        }
      }
      // Video rules.
      if (def.video === 'only' && def.name !== 'video' && !video) {
        const last = own.params[own.params.length - 1];
        const end = (last.values[last.values.length - 1] ?? last.nameToken);
        diags.push({ start: t.start, end: t.end, severity: 'error', code: 'requires-video',
          message: `${t.text} applies to video prompts only: add --video and start the prompt with an image (the start frame).`,
          fix: end.exact ? { title: 'Add --video', edits: [{ start: end.end, end: end.end, newText: ' --video' }] } : undefined });
      } else if (def.video === 'no' && video) {
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'not-for-video', message: `${t.text} has no effect on a video job.` });
      }
      if (def.name === 'video' && own.images.length === 0) {
        diags.push({ start: t.start, end: t.end, severity: 'error', code: 'video-needs-start-frame',
          message: '--video needs a start frame: begin the prompt with an image URL or workspace image path (Midjourney answers "No start frame provided" otherwise).' });
      }
      if (def.needs && !hasParam(own.params, def.needs) && !hasParam(applied, def.needs)) {
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'weight-without-reference', message: `${t.text} has no effect without --${def.needs}.` });
      }
      if (def.name === 'iw' && own.images.length === 0) {
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'weight-without-reference', message: '--iw weighs image prompts, but this prompt does not start with an image.' });
      }
      if (def.name === 'r') {
        const edits = removeParamEdits(p, doc);
        const n = p.values[0]?.text ?? 'N';
        diags.push({ start: t.start, end: (p.values[0] ?? t).end, severity: 'warning', code: 'use-repeat-directive',
          message: `${t.text} makes Midjourney start jobs that the API does not track (only the first is followed). Write \`@repeat ${n}\` on a line above instead: each run becomes its own tracked job.`,
          fix: edits ? { title: `Remove ${t.text} ${n} (then add @repeat ${n} above)`, edits } : undefined });
      }
      if (def.name === 'raw' && own.params.some((q) => q.def?.name === 'style' && q.values[0]?.text.toLowerCase() === 'raw')) {
        const edits = removeParamEdits(p, doc);
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'duplicate-parameter', message: '--raw repeats --style raw.',
          fix: edits ? { title: 'Remove --raw', edits } : undefined });
      }
      if (def.name === 'end' && (hasParam(own.params, 'loop') || hasParam(applied, 'loop'))) {
        diags.push({ start: t.start, end: t.end, severity: 'warning', code: 'conflicting-parameters', message: '--end and --loop both set the last frame; --loop ends on the start frame.' });
      }
      if (def.group === 'version' && model === 'legacy') {
        diags.push({ start: t.start, end: (p.values[0] ?? t).end, severity: 'info', code: 'legacy-model',
          message: `${paramText(p)} is a legacy model; checks for it are approximate.` });
      }
    }
  }
}

/** Text after a flag (`--tile a cat`): offer to move it before the first parameter. */
function moveTextFix(p: ParamUse, own: PromptParts, doc: string): RawDiagnostic['fix'] {
  const first = own.params[0].nameToken;
  const values = p.values;
  if (!first.exact || values.some((v) => !v.exact)) return undefined;
  const text = doc.slice(values[0].start, values[values.length - 1].end);
  if (p.def?.value.kind !== 'flag') return undefined;
  let delStart = values[0].start;
  if (doc.charCodeAt(delStart - 1) === 32) delStart--;
  return { title: `Move "${text}" before the parameters`, edits: [
    { start: first.start, end: first.start, newText: text + ' ' },
    { start: delStart, end: values[values.length - 1].end, newText: '' },
  ] };
}

function describeCount(own: number, r: ResolvedScope, repeat: number): string {
  const parts = [`${own} permutation${own === 1 ? '' : 's'}`];
  const extra = r.prefixes.length * r.suffixes.length * r.defaults.length;
  if (extra > 1) parts.push(`× ${extra} from @prefix/@suffix/@defaults`);
  if (repeat > 1) parts.push(`× @repeat ${repeat}`);
  return parts.join(' ');
}

/** Text that may name a workspace image (checked on disk, so never cached); URLs do not count. */
const IMAGE_PATH_LIKE = /(?:^|[\s{},])(?!https?:\/\/)[^\s{},]*\.(?:png|jpe?g|webp|gif)(?=$|[\s{},:])/i;
const IMAGE_EXTENSION = /\.(?:png|jpe?g|webp|gif)/i;

/** Whether `text` may name a workspace image. The cheap extension scan first: most prompts name none. */
function mayNameImagePath(text: string): boolean {
  return IMAGE_EXTENSION.test(text) && IMAGE_PATH_LIKE.test(text);
}

interface Assembly { words: string[]; length: number; imagePaths: ImagePathRef[] | undefined }

const WEIGHT = /::-?[\d.]+$/;

/** Whether a default's value suits a model; defaults are shared by the prompts of a scope, so remember. */
const defaultValidity = new WeakMap<ParamUse, Map<Model, boolean>>();
function defaultValid(p: ParamUse, def: ParamDef, model: Model): boolean {
  let byModel = defaultValidity.get(p);
  if (!byModel) defaultValidity.set(p, (byModel = new Map<Model, boolean>()));
  let ok = byModel.get(model);
  if (ok === undefined) byModel.set(model, (ok = checkValue(p, def, model, undefined) === undefined));
  return ok;
}

/** Where the model of a prompt comes from, for messages. */
function describeModelSource(param: ParamUse | undefined): string {
  if (!param) return 'Midjourney\'s default';
  const origin = param.nameToken.origin;
  if (origin === 'prompt') return paramText(param);
  return `${paramText(param)} from ${origin === 'setting' ? 'the defaults setting' : '@defaults'}`;
}

/** The first use of a parameter (the one a duplicate repeats). */
function firstWith(params: readonly ParamUse[], def: ParamDef): ParamUse | undefined {
  for (const q of params) if (q.def === def) return q;
  return undefined;
}

/** An earlier parameter of the same exclusive group but another kind (`--fast … --relax`). */
function earlierOfGroup(params: readonly ParamUse[], p: ParamUse): ParamUse | undefined {
  for (const q of params) {
    if (q === p) return undefined;
    if (q.def !== p.def && q.def?.group === p.def?.group) return q;
  }
  return undefined;
}

function hasParam(params: readonly ParamUse[], name: string): boolean {
  for (const p of params) if (p.def?.name === name) return true;
  return false;
}

/** The last version parameter (`--v`, `--niji`) of a list and the model it selects. */
function versionOf(params: readonly ParamUse[]): { model: Model; param: ParamUse } | undefined {
  for (let i = params.length - 1; i >= 0; i--) {
    const p = params[i];
    if (p.def?.group === 'version') {
      const m = modelOfVersion(p.def.name as 'v' | 'niji', p.values[0]?.text);
      if (m) return { model: m, param: p };
    }
  }
  return undefined;
}

/** Later defaults of the same parameter replace earlier ones. */
function lastWins(params: ParamUse[]): ParamUse[] {
  const out: ParamUse[] = [];
  for (const p of params) {
    const i = out.findIndex((q) => q.def === p.def);
    if (i >= 0) out[i] = p;
    else out.push(p);
  }
  return out;
}

function dedupe(diags: readonly RawDiagnostic[]): RawDiagnostic[] {
  if (diags.length < 2) return [...diags];
  const seen = new Set<string>();
  const out: RawDiagnostic[] = [];
  for (const d of diags) {
    const key = `${d.start}:${d.end}:${d.code}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Replace the workspace image paths of a job by URLs (uploads), from the end so offsets stay valid. */
export async function withImageUrls(job: ExpandedJob, toUrl: (absPath: string) => Promise<string>): Promise<ExpandedJob> {
  if (!job.imagePaths?.length) return job;
  let prompt = job.request.prompt;
  const refs = [...job.imagePaths].sort((a, b) => b.offset - a.offset);
  for (const ref of refs) {
    const url = await toUrl(ref.absPath);
    prompt = prompt.slice(0, ref.offset) + url + prompt.slice(ref.offset + ref.text.length);
  }
  return { ...job, request: { ...job.request, prompt }, imagePaths: undefined };
}
