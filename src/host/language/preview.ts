// A read-only preview of the jobs a prompts file would send: count, fast-hours estimate, problems,
// then every job. Served as a virtual Markdown document under its own scheme.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { estimateRun, formatEstimate, type FileAnalysis } from '../../core/prompts';

export const PREVIEW_SCHEME = 'midjourney-prompts-preview';

export function previewUri(source: vscode.Uri): vscode.Uri {
  const name = path.posix.basename(source.path) || 'prompts';
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name} — jobs.md`, query: source.toString() });
}

export function sourceOfPreview(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(uri.query);
}

export const ESTIMATE_NOTE = 'Estimate: about 1 GPU-minute per image job (`--draft` ½, `--q 2` 2×, `--q 4` 4×, `--oref` 2×), '
  + 'about 8 per video job at `--bs 4`; turbo counts double, relax uses no fast hours. Midjourney does not publish exact costs.';

/** The preview text (Markdown). */
export function renderPreview(name: string, analysis: FileAnalysis): string {
  const jobs = analysis.jobs;
  const run = estimateRun(jobs);
  const lines: string[] = [`# Jobs of ${name}`, ''];
  lines.push(`**${run.jobs} job${run.jobs === 1 ? '' : 's'}** (${run.images} image, ${run.videos} video) · ${formatEstimate(run)}`, '', `_${ESTIMATE_NOTE}_`, '');
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    lines.push(`## ⚠ ${errors.length} error${errors.length === 1 ? '' : 's'}: nothing is sent until they are fixed`, '');
    for (const d of errors.slice(0, 50)) lines.push(`- line ${d.line + 1}: ${d.message} (\`${d.code}\`)`);
    if (errors.length > 50) lines.push(`- … and ${errors.length - 50} more`);
    lines.push('');
  }
  let block: string | undefined = '\u0000';
  let index = 0;
  for (const job of jobs) {
    if (job.source.block !== block) {
      block = job.source.block;
      lines.push(`## ${block ?? '(before the first block)'}`, '');
    }
    const tags = [`line ${job.source.line + 1}`];
    if (job.jobType === 'video') tags.push('video');
    if (job.channel) tags.push(`channel ${job.channel}`);
    if (job.estimate.speed !== 'account') tags.push(job.estimate.speed);
    if (job.autopilot) tags.push('autopilot');
    if (job.imagePaths?.length) tags.push(`uploads ${job.imagePaths.map((p) => p.text).join(', ')}`);
    lines.push(`${++index}. ${tags.join(' · ')}`, '', '    ' + job.request.prompt, '');
  }
  return lines.join('\n');
}

export class PromptsPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();

  constructor(private readonly analyze: (document: vscode.TextDocument) => FileAnalysis) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    const source = sourceOfPreview(uri);
    const document = await vscode.workspace.openTextDocument(source);
    return renderPreview(path.posix.basename(source.path), this.analyze(document));
  }

  /** Refresh previews of a source document after it changed. */
  sourceChanged(source: vscode.Uri): void {
    const uri = previewUri(source);
    if (this.open.has(uri.toString())) this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
