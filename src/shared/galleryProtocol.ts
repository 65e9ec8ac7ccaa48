// The one message contract between the gallery webview and its host (both the panel and the sidebar
// view). The host validates every inbound message with these schemas (the webview is untrusted input);
// the webview imports only the inferred TYPES (`import type`), so zod never enters the browser bundle.
//
// Conversation: the webview posts `ready` (with the query it restored from its UI state); the host
// answers `init` (first page + total count); afterwards the webview asks for pages, job details and
// actions with `request` messages carrying ids, and the host answers each with exactly one `reply`
// (ok or error). While the view is visible the host pushes `delta`s for store changes.
import { z } from 'zod';

/** Limits that keep a hostile or buggy webview from making the host do unbounded work. */
export const LIMITS = {
  idLength: 200,
  requestIdLength: 64,
  textLength: 500,
  pathLength: 4096,
  pageSize: 200,
  buttonLabelLength: 64,
  promptLength: 6000,
  /** A base64 WebP mask of at most ~4 MB. */
  maskLength: 6_000_000,
} as const;

const id = z.string().min(1).max(LIMITS.idLength);

export const JobStatusSchema = z.enum(['queued', 'submitting', 'running', 'completed', 'moderated', 'failed', 'cancelled', 'lost']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

// ---- what the grid shows -------------------------------------------------------------------

export const StatusFilterSchema = z.enum(['all', 'running', 'completed', 'failed', 'favourites', 'videos']);
export type StatusFilter = z.infer<typeof StatusFilterSchema>;

export const DateFilterSchema = z.enum(['any', 'day', 'week', 'month']);
export type DateFilter = z.infer<typeof DateFilterSchema>;

export const GalleryQuerySchema = z.strictObject({
  /** Case-insensitive substring of the prompt (or job id). */
  text: z.string().max(LIMITS.textLength),
  status: StatusFilterSchema,
  since: DateFilterSchema,
  /** Exact source file path, or '' for every file. */
  sourceFile: z.string().max(LIMITS.pathLength),
});
export type GalleryQuery = z.infer<typeof GalleryQuerySchema>;

export const DEFAULT_QUERY: GalleryQuery = { text: '', status: 'all', since: 'any', sourceFile: '' };

/** One picture or video of a job as the webview may load it (URIs already passed through asWebviewUri). */
export const AssetViewSchema = z.strictObject({
  index: z.number().int().min(0).max(16),
  kind: z.enum(['grid', 'image', 'video']),
  /** Small image for the grid (a downscaled copy, or the original while that is being made). */
  thumb: z.string().optional(),
  /** Full-size file (image or video). Absent until the engine has downloaded it. */
  full: z.string().optional(),
});
export type AssetView = z.infer<typeof AssetViewSchema>;

export const SourceRefSchema = z.strictObject({
  file: z.string(),
  /** 0-based line of the prompt in the file. */
  line: z.number().int().min(0),
  block: z.string().optional(),
});

/** The view model of one job in the gallery, derived from a JobRecord on the host. */
export const GalleryItemSchema = z.strictObject({
  id,
  jobId: z.string().optional(),
  prompt: z.string(),
  verb: z.string(),
  status: JobStatusSchema,
  progress: z.number().min(0).max(100).optional(),
  reason: z.string().optional(),
  /** What the tiles show: the four singles when known, else the grid; videos when the job is a video. */
  assets: z.array(AssetViewSchema),
  /** Exactly the labels the job offers (`response.buttons`), in the job's order. */
  buttons: z.array(z.string()),
  parentId: z.string().optional(),
  parentButton: z.string().optional(),
  childIds: z.array(z.string()),
  seed: z.number().optional(),
  /** The AI assistant's decision about this grid (opt-in AI assist). */
  ai: z.strictObject({ model: z.string(), reason: z.string(), pickedIndex: z.number().int().min(1).max(4).optional() }).optional(),
  source: SourceRefSchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  favourite: z.boolean(),
  video: z.boolean(),
});
export type GalleryItem = z.infer<typeof GalleryItemSchema>;

/** A parent or child in the lightbox's lineage strip. */
export const LineageItemSchema = z.strictObject({
  id,
  /** The button pressed to make the child (e.g. "U2"), or the prompt for a parent. */
  label: z.string(),
  status: JobStatusSchema,
  thumb: z.string().optional(),
});
export type LineageItem = z.infer<typeof LineageItemSchema>;

export const ViewKindSchema = z.enum(['gallery', 'latest']);
export type ViewKind = z.infer<typeof ViewKindSchema>;

// ---- webview → host ------------------------------------------------------------------------

/** Commands the webview may ask the host to run on a job; anything else is rejected. */
export const JobActionSchema = z.enum([
  'pressButton', 'extractSeed', 'revealSource', 'copyPrompt', 'saveJobToWorkspace', 'openJobFiles',
  'cancelJob', 'retryJob', 'pickBestOfFour',
]);
export type JobAction = z.infer<typeof JobActionSchema>;

export const RequestBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('page'), query: GalleryQuerySchema, offset: z.number().int().min(0), limit: z.number().int().min(1).max(LIMITS.pageSize) }),
  z.strictObject({ kind: z.literal('job'), id }),
  z.strictObject({ kind: z.literal('locate'), id, query: GalleryQuerySchema }),
  z.strictObject({ kind: z.literal('favourite'), id, favourite: z.boolean() }),
  z.strictObject({
    kind: z.literal('action'),
    action: JobActionSchema,
    id,
    label: z.string().min(1).max(LIMITS.buttonLabelLength).optional(),
    prompt: z.string().min(1).max(LIMITS.promptLength).optional(),
    /** Base64 WebP (no data: prefix): white = the region to vary. */
    mask: z.string().min(1).max(LIMITS.maskLength).regex(/^[A-Za-z0-9+/]+={0,2}$/).optional(),
  }),
  // Without an id: just open (or reveal) the gallery panel.
  z.strictObject({ kind: z.literal('openInGallery'), id: id.optional() }),
]);
export type RequestBody = z.infer<typeof RequestBodySchema>;
export type RequestKind = RequestBody['kind'];

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), query: GalleryQuerySchema.optional() }),
  z.strictObject({ type: z.literal('request'), requestId: z.string().min(1).max(LIMITS.requestIdLength), body: RequestBodySchema }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

// ---- host → webview ------------------------------------------------------------------------

export const ReplyResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('page'), total: z.number().int().min(0), offset: z.number().int().min(0), items: z.array(GalleryItemSchema) }),
  z.strictObject({ kind: z.literal('job'), item: GalleryItemSchema, parent: LineageItemSchema.optional(), children: z.array(LineageItemSchema) }),
  z.strictObject({ kind: z.literal('locate'), index: z.number().int().min(-1) }),
  z.strictObject({ kind: z.literal('favourite'), favourite: z.boolean() }),
  z.strictObject({ kind: z.literal('action') }),
  z.strictObject({ kind: z.literal('openInGallery') }),
]);
export type ReplyResult = z.infer<typeof ReplyResultSchema>;
/** The reply type that answers a given request kind. */
export type ResultFor<K extends RequestKind> = Extract<ReplyResult, { kind: K }>;

export const ReplySchema = z.union([
  z.strictObject({ type: z.literal('reply'), requestId: z.string(), ok: z.literal(true), result: ReplyResultSchema }),
  z.strictObject({ type: z.literal('reply'), requestId: z.string(), ok: z.literal(false), error: z.string() }),
]);
export type ReplyMessage = z.infer<typeof ReplySchema>;

export const HostToWebviewSchema = z.union([
  z.strictObject({
    type: z.literal('init'),
    view: ViewKindSchema,
    query: GalleryQuerySchema,
    total: z.number().int().min(0),
    items: z.array(GalleryItemSchema),
    sourceFiles: z.array(z.string()),
    /** Job to scroll to and open (from `midjourney.openGallery(ref)`). */
    reveal: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('delta'),
    total: z.number().int().min(0),
    upserted: z.array(GalleryItemSchema),
    removed: z.array(z.string()),
    /** True when jobs were added, removed or reordered for the current query: cached pages are stale. */
    structural: z.boolean(),
    sourceFiles: z.array(z.string()),
  }),
  z.strictObject({ type: z.literal('reveal'), id }),
  ReplySchema,
]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;
export type InitMessage = Extract<HostToWebview, { type: 'init' }>;
export type DeltaMessage = Extract<HostToWebview, { type: 'delta' }>;
