// AiAssistant over VS Code's Language Model API (vscode.lm): no key, VS Code asks for consent.
// VS Code 1.100's stable API sends text only (LanguageModelChatMessage takes text and tool parts; image
// data parts are not in 1.100), so this provider cannot judge images: judgeGrid answers noPick saying so.
import * as vscode from 'vscode';
import { AiError, enhanceInstructions, enhancementFromReply, type AiAssistant, type GridJudgement } from '../../core/ai';
import type { Logger } from '../../core/ports';
import { VSCODE_LM_NO_IMAGES } from './settings';


export function createVscodeLmAssistant(options: { family: string | undefined; log: Logger }): AiAssistant {
  const { log } = options;

  async function chooseModel(): Promise<vscode.LanguageModelChat> {
    const family = options.family?.trim();
    let models = family ? await vscode.lm.selectChatModels({ family }) : [];
    if (models.length === 0) models = await vscode.lm.selectChatModels();
    const model = models[0];
    if (!model) throw new AiError('notConfigured', 'No VS Code language model is available. Install a chat extension that provides one, or use the openai-compatible provider.');
    if (family && model.family !== family) log.info(`AI: no VS Code model of family "${family}"; using ${model.vendor}/${model.family}.`);
    return model;
  }

  return {
    async judgeGrid(): Promise<GridJudgement> {
      return { kind: 'noPick', reason: VSCODE_LM_NO_IMAGES, model: 'vscode-lm' };
    },

    async enhancePrompt(text, kind, signal): Promise<string> {
      const model = await chooseModel();
      const cancellation = new vscode.CancellationTokenSource();
      const onAbort = () => cancellation.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        // The stable API has no system role: instructions go first as a user message.
        const messages = [vscode.LanguageModelChatMessage.User(enhanceInstructions(kind)), vscode.LanguageModelChatMessage.User(text)];
        const response = await model.sendRequest(messages, { justification: 'Midjourney Studio rewrites the prompt you asked it to enhance.' }, cancellation.token);
        let reply = '';
        for await (const chunk of response.text) reply += chunk;
        signal?.throwIfAborted();
        const result = enhancementFromReply(reply);
        if (!result.ok) throw new AiError('badReply', `No usable rewrite from ${model.name}: ${result.problem}.`);
        return result.value;
      } catch (error) {
        if (error instanceof vscode.LanguageModelError) {
          const code = error.code === vscode.LanguageModelError.NoPermissions().code ? 'refused' : 'http';
          throw new AiError(code, `The VS Code language model could not answer: ${error.message}`);
        }
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        cancellation.dispose();
      }
    },
  };
}
