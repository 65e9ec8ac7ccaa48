// Hover text: what a parameter does and its range for the prompt's model; what a directive or
// `{{name}}` means; and, over prompt text, the exact prompts it sends.
import type { FileAnalysis, PromptAnalysis } from './analyze';
import { paramDoc } from './complete';
import { estimateRun, formatEstimate } from './estimate';
import { MODEL_LABEL, findDirective } from './params';
import { isUrl } from './tokens';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  start: number;
  end: number;
}

const REF = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

export function hoverAt(analysis: FileAnalysis, offset: number): HoverResult | undefined {
  for (const node of analysis.parsed.nodes) {
    if (node.kind === 'directive' && node.nameStart <= offset && offset < node.nameEnd) {
      const d = findDirective(node.name);
      if (!d) return undefined;
      return { markdown: `**@${d.name}**: ${d.summary}\n\n\`${d.syntax}\``, start: node.nameStart, end: node.nameEnd };
    }
  }
  const prompt = analysis.prompts.find((p) => p.node.start <= offset && offset <= p.node.end);
  if (!prompt) return undefined;

  // {{name}}
  const lineNo = analysis.parsed.lines.lineOf(offset);
  const lineStart = analysis.parsed.lines.starts[lineNo];
  const lineText = analysis.parsed.lines.lineText(lineNo);
  for (const m of lineText.matchAll(REF)) {
    const start = lineStart + m.index;
    const end = start + m[0].length;
    if (start <= offset && offset < end) {
      const def = prompt.names.get(m[1]);
      const body = def ? `\`@${def.kind} ${m[1]}\` = ${def.value.text}` : `No @var or @template "${m[1]}" above this line.`;
      return { markdown: body, start, end };
    }
  }
  for (const p of prompt.parts.params) {
    const tokens = [p.nameToken, ...p.values].filter((t) => t.origin === 'prompt' && t.exact);
    const hit = tokens.find((t) => t.start <= offset && offset < t.end);
    if (!hit || !p.def) continue;
    return { markdown: paramDoc(p.def, prompt.model), start: hit.start, end: hit.end };
  }
  for (const [i, img] of prompt.parts.images.entries()) {
    if (img.start <= offset && offset < img.end) {
      const role = prompt.video && i === 0 ? 'Start frame of the video' : 'Image prompt';
      const how = isUrl(img.text) ? 'sent as written' : 'a workspace file: uploaded (or turned into a URL) before the job is sent';
      return { markdown: `**${role}** — ${how}.`, start: img.start, end: img.end };
    }
  }
  return { markdown: previewMarkdown(prompt), start: prompt.node.start, end: prompt.node.end };
}

function previewMarkdown(p: PromptAnalysis): string {
  const shown = p.jobs.slice(0, 5).map((j) => '```\n' + j.request.prompt + '\n```').join('\n');
  const more = p.count > 5 ? `\n\n… and ${p.count - 5} more` : '';
  const head = `**${p.count} job${p.count === 1 ? '' : 's'}** · ${MODEL_LABEL[p.model]}${p.video ? ' video' : ''} · ${formatEstimate(estimateRun(p.jobs))}`;
  return `${head}\n\n${shown}${more}`;
}
