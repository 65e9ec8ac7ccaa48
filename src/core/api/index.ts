// Public surface of the useapi v3 client.
export { ApiClient, MAX_IMAGE_BYTES } from './client';
export type { ApiClientOptions, CallOptions, DownloadResponse, StreamOutcome, SubmitCallOptions } from './client';
export * from './errors';
export { SeqTracker, sseDataMessages } from './sse';
