// An AiAssistant over any OpenAI-compatible chat-completions endpoint (OpenAI, Gemini's OpenAI
// endpoint, local servers). Images travel as data: URLs; replies are asked for as JSON Schema output
// where the endpoint supports it, and validated with zod either way.
import { request } from 'undici';
import { z } from 'zod';
import type { Logger } from '../ports';
import { imageContentType } from './images';
import { redactSecrets } from './redact';
import {
  enhanceInstructions,
  enhancedPromptJsonSchema,
  enhancementFromReply,
  excerpt,
  gridJudgementJsonSchema,
  JUDGE_INSTRUCTIONS,
  judgementFromReply,
  judgeRequestText,
} from './reply';
import { AiError, type AiAssistant, type AiImage, type GridJudgement, type PromptKind } from './types';

export interface OpenAiCompatibleOptions {
  /** Base URL, e.g. https://api.openai.com/v1; `/chat/completions` is appended. */
  endpoint: string;
  model: string;
  /** Read on every call so a key set later is picked up; undefined = no Authorization header (local servers). */
  getKey(): Promise<string | undefined>;
  log: Logger;
  /** Per-request deadline; default 90 s (four images can take a while). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 90_000;
const MAX_REPLY_BYTES = 2 * 1024 * 1024;

const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
type ChatMessage = { role: 'system' | 'user'; content: string | ContentPart[] };
type JsonSchemaFormat = { name: string; schema: object };

interface ChatReply {
  text: string;
  model: string;
}

export function chatCompletionsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new AiError('notConfigured', `The AI endpoint "${endpoint}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AiError('notConfigured', `The AI endpoint must be an http(s) URL, not ${url.protocol}`);
  }
  return `${endpoint.replace(/\/+$/, '')}/chat/completions`;
}

export function imageDataUrl(image: AiImage): string {
  return `data:${imageContentType(image)};base64,${Buffer.from(image.bytes).toString('base64')}`;
}

export function createOpenAiCompatibleAssistant(options: OpenAiCompatibleOptions): AiAssistant {
  const { model, log } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Learned once per assistant: some servers reject response_format json_schema with a 400.
  let jsonSchemaUnsupported = false;

  async function chat(messages: ChatMessage[], format: JsonSchemaFormat, signal: AbortSignal | undefined): Promise<ChatReply> {
    const url = chatCompletionsUrl(options.endpoint);
    const key = await options.getKey();
    const safe = (text: string): string => redactSecrets(text, [key]);
    const logUrl = safe(url.replace(/\?.*$/, ''));

    const send = async (withSchema: boolean) => {
      const body: Record<string, unknown> = { model, messages, temperature: 0 };
      if (withSchema) body.response_format = { type: 'json_schema', json_schema: { name: format.name, strict: true, schema: format.schema } };
      const deadline = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      log.debug(`AI: POST ${logUrl} (model ${model}${withSchema ? ', json_schema' : ''})`);
      try {
        const response = await request(url, { method: 'POST', headers, body: JSON.stringify(body), signal: combined });
        const text = await readLimited(response.body, MAX_REPLY_BYTES);
        return { status: response.statusCode, text };
      } catch (error) {
        if (error instanceof AiError) throw error;
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
        if (deadline.aborted) throw new AiError('timeout', `The AI endpoint did not answer within ${Math.round(timeoutMs / 1000)} s.`);
        const message = error instanceof Error ? error.message : String(error);
        throw new AiError('network', safe(`Could not reach the AI endpoint ${logUrl}: ${message}`));
      }
    };

    let reply = await send(!jsonSchemaUnsupported);
    if (reply.status === 400 && !jsonSchemaUnsupported && /response_format|json_schema/i.test(reply.text)) {
      // A 400 means the request was not processed: retrying once without the schema is safe.
      jsonSchemaUnsupported = true;
      log.info(`AI: ${logUrl} does not accept response_format json_schema; asking for JSON in the instructions only.`);
      reply = await send(false);
    }
    if (reply.status === 401 || reply.status === 403) {
      throw new AiError('unauthorized', safe(`The AI endpoint refused the key (HTTP ${reply.status}): ${errorText(reply.text)}`));
    }
    if (reply.status < 200 || reply.status >= 300) {
      throw new AiError('http', safe(`The AI endpoint answered HTTP ${reply.status}: ${errorText(reply.text)}`));
    }

    let json: unknown;
    try {
      json = JSON.parse(reply.text);
    } catch {
      throw new AiError('badReply', safe(`The AI endpoint's answer is not JSON: "${excerpt(reply.text)}"`));
    }
    const parsed = chatCompletionSchema.safeParse(json);
    if (!parsed.success) throw new AiError('badReply', 'The AI endpoint\'s answer is not a chat completion (no choices[0].message).');
    const message = parsed.data.choices[0].message;
    const answeredBy = parsed.data.model ?? model;
    if (message.refusal) throw new AiError('refused', safe(`The model refused: ${excerpt(message.refusal)}`));
    return { text: safe(message.content ?? ''), model: answeredBy };
  }

  return {
    async judgeGrid(images, prompt, context, signal): Promise<GridJudgement> {
      if (images.length !== 4) return { kind: 'noPick', reason: `No pick: expected 4 images, got ${images.length}.`, model };
      const content: ContentPart[] = [{ type: 'text', text: judgeRequestText(prompt, context) }];
      images.forEach((image, i) => {
        content.push({ type: 'text', text: `Image ${i + 1}:` });
        content.push({ type: 'image_url', image_url: { url: imageDataUrl(image) } });
      });
      try {
        const reply = await chat(
          [
            { role: 'system', content: JUDGE_INSTRUCTIONS },
            { role: 'user', content },
          ],
          { name: 'grid_pick', schema: gridJudgementJsonSchema },
          signal,
        );
        const judgement = judgementFromReply(reply.text, reply.model);
        log.info(`AI: ${judgement.kind === 'pick' ? `picked image ${judgement.index}` : 'no pick'} (${reply.model})`);
        return judgement;
      } catch (error) {
        if (!(error instanceof AiError)) throw error; // aborts and programming errors
        log.warn(`AI: no pick — ${error.message}`);
        return { kind: 'noPick', reason: `No pick: ${error.message}`, model };
      }
    },

    async enhancePrompt(text, kind: PromptKind, signal): Promise<string> {
      const reply = await chat(
        [
          { role: 'system', content: enhanceInstructions(kind) },
          { role: 'user', content: text },
        ],
        { name: 'enhanced_prompt', schema: enhancedPromptJsonSchema },
        signal,
      );
      const result = enhancementFromReply(reply.text);
      if (!result.ok) throw new AiError('badReply', `No usable rewrite: ${result.problem}.`);
      return result.value;
    },
  };
}

/** The `error.message` of an OpenAI-style error body, or an excerpt of the raw body. */
function errorText(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string };
    if (typeof json.error === 'string') return excerpt(json.error);
    if (json.error && typeof json.error.message === 'string') return excerpt(json.error.message);
  } catch {
    // not JSON; fall through
  }
  return excerpt(body) || '(empty body)';
}

async function readLimited(body: AsyncIterable<Uint8Array> & { destroy?(): unknown }, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy?.();
      throw new AiError('badReply', `The AI endpoint's answer is larger than ${limit} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
