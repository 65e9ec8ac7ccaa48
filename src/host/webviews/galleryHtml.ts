// The gallery webview's HTML shell: a strict CSP, one nonce'd script from the extension, one style
// sheet, nothing inline. Pure (no `vscode`), so the policy is unit-tested.
import { randomBytes } from 'node:crypto';
import type { ViewKind } from '../../shared/galleryProtocol';

export interface GalleryHtmlInput {
  view: ViewKind;
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `media-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function galleryHtml(input: GalleryHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const title = input.view === 'gallery' ? 'Midjourney Gallery' : 'Latest Results';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>${title}</title>
</head>
<body data-view="${input.view}">
<div id="app"></div>
<script nonce="${attr(nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
