// `mj-studio check <file> [--json]` and `mj-studio expand <file> --json`: the editor's checks and
// expansion, from a terminal or CI, with the same core code.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, estimateRun, formatEstimate, promptsFileProblem, type AnalyzeOptions, type PromptDiagnostic } from '../core/prompts';

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;

interface Args { file?: string; json: boolean; defaults?: string; maxExpansion?: number; workspace?: string; problem?: string }

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (a === '--json') args.json = true;
    else if (a === '--defaults') args.defaults = value();
    else if (a === '--workspace') args.workspace = value();
    else if (a === '--max-expansion') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) args.problem = '--max-expansion needs a whole number ≥ 1';
      else args.maxExpansion = n;
    } else if (a.startsWith('--')) args.problem = `unknown option ${a}`;
    else if (args.file === undefined) args.file = a;
    else args.problem = `unexpected argument ${a}`;
  }
  if (!args.file && !args.problem) args.problem = 'missing <file.prompts>';
  return args;
}

const OPTIONS_HELP = '[--defaults "<parameters>"] [--max-expansion N] [--workspace <dir>]';

function load(argv: readonly string[], usage: string, out: Output): { args: Args; text: string; options: AnalyzeOptions } | number {
  const args = parseArgs(argv);
  if (args.problem || !args.file) {
    out.err(`mj-studio: ${args.problem ?? 'missing file'}\nusage: ${usage} ${OPTIONS_HELP}`);
    return EXIT_USAGE;
  }
  const file = path.resolve(args.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e: unknown) {
    out.err(`mj-studio: cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  const problem = promptsFileProblem(bytes);
  if (problem) {
    out.err(`mj-studio: ${args.file}: ${problem}`);
    return EXIT_USAGE;
  }
  const text = bytes.toString('utf8');
  const options: AnalyzeOptions = {
    file, fileDir: path.dirname(file), fileExists: (p) => existsSync(p),
    workspaceRoot: args.workspace ? path.resolve(args.workspace) : process.cwd(),
    defaults: args.defaults ?? process.env.MJ_STUDIO_DEFAULTS, maxExpansion: args.maxExpansion,
  };
  return { args, text, options };
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: Output = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

/** 1-based positions for terminals and CI annotations. */
function cliDiagnostic(d: PromptDiagnostic): { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string } {
  return { line: d.line + 1, column: d.column + 1, endLine: d.endLine + 1, endColumn: d.endColumn + 1, severity: d.severity, code: d.code, message: d.message };
}

export async function runCheck(argv: string[], output: Output = processOutput): Promise<number> {
  const loaded = load(argv, 'mj-studio check <file.prompts> [--json]', output);
  if (typeof loaded === 'number') return loaded;
  const { args, text, options } = loaded;
  const analysis = analyzeFile(text, options);
  const shown = path.relative(process.cwd(), options.file ?? '') || options.file || '';
  for (const d of analysis.diagnostics) {
    if (args.json) output.out(JSON.stringify({ file: shown, ...cliDiagnostic(d) }));
    else output.out(`${shown}:${d.line + 1}:${d.column + 1}: ${d.severity} ${d.code}: ${d.message}`);
  }
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  if (!args.json) {
    const warnings = analysis.diagnostics.filter((d) => d.severity === 'warning').length;
    const jobs = analysis.prompts.reduce((n, p) => n + p.count, 0);
    output.err(`${shown}: ${analysis.prompts.length} prompts, ${jobs} jobs; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return errors > 0 ? EXIT_ERRORS : EXIT_OK;
}

export async function runExpand(argv: string[], output: Output = processOutput): Promise<number> {
  const loaded = load(argv, 'mj-studio expand <file.prompts> [--json]', output);
  if (typeof loaded === 'number') return loaded;
  const { args, text, options } = loaded;
  const analysis = analyzeFile(text, options);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (args.json) {
    output.out(JSON.stringify({ jobs: analysis.jobs, estimate: estimateRun(analysis.jobs), diagnostics: analysis.diagnostics.map(cliDiagnostic) }, null, 2));
  } else {
    for (const j of analysis.jobs) output.out(`${j.source.line + 1}${j.source.block ? ` [${j.source.block}]` : ''}: ${j.request.prompt}`);
    output.err(`${analysis.jobs.length} jobs, ${formatEstimate(estimateRun(analysis.jobs))}`);
  }
  for (const d of errors) output.err(`${options.file ?? ''}:${d.line + 1}:${d.column + 1}: error ${d.code}: ${d.message}`);
  return errors.length > 0 ? EXIT_ERRORS : EXIT_OK;
}
