// Entry of the webview bundle (dist/webview.js): wires the gallery to the real VS Code webview API.
import type { HostToWebview, ViewKind } from '../shared/galleryProtocol';
import { GalleryApp, type WebviewHostApi } from './app';

declare function acquireVsCodeApi(): WebviewHostApi;

const root = document.getElementById('app') ?? document.body;
const view: ViewKind = document.body.dataset.view === 'latest' ? 'latest' : 'gallery';
const app = new GalleryApp({ host: acquireVsCodeApi(), root, view });
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  // Only the host posts to this window; still, ignore anything without a message shape.
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') app.receive(data as HostToWebview);
});
app.start();
