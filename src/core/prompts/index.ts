// The .prompts language core: parser, parameter table, checks, expansion, completion and hovers.
// Plain TypeScript: runs in the extension host, the CLI and unit tests alike.
export { expandFile, hasErrors, type ExpandOptions } from './expand';
export { MAX_PROMPTS_FILE_BYTES, promptsFileProblem } from './input';
export {
  analyzeFile, withImageUrls, DEFAULT_MAX_EXPANSION, MAX_PROMPT_LENGTH,
  type AnalyzeOptions, type ExpandedJob, type FileAnalysis, type ImagePathRef, type PromptAnalysis, type PromptCache,
} from './analyze';
export type { DiagnosticCode, PromptDiagnostic, PromptEdit, PromptFix, Severity } from './diagnostics';
export { estimateJob, estimateRun, formatEstimate, type JobEstimate, type RunEstimate } from './estimate';
export { PARAMS, DIRECTIVES, findParam, findDirective, type Model, type ParamDef } from './params';
export { completeAt, type CompletionCandidate } from './complete';
export { hoverAt, type HoverResult } from './hover';
export { latestRunsByLine, promptStatus } from './status';
