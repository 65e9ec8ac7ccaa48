// The gallery's VS Code side: the `midjourney.gallery` WebviewPanel (restored after a reload by a
// serializer), the compact `midjourney.latest` sidebar view, and the `midjourney.openGallery`
// command. Both webviews run the same front end (dist/webview.js) and talk to a GalleryConnection.
import * as vscode from 'vscode';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { JobStoreReader } from '../../core/jobs/api';
import type { Logger } from '../../core/ports';
import type { HostToWebview, ViewKind } from '../../shared/galleryProtocol';
import type { FavouritesPort, GalleryConnection, GalleryServices } from './galleryConnection';
import { fileVersion } from './fileVersion';
import { galleryHtml } from './galleryHtml';
import type { MediaUris } from './galleryItems';
import type { ThumbnailCache } from './thumbnails';
import { loadRuntime } from '../runtime';

export const GALLERY_VIEW_TYPE = 'midjourney.gallery';
export const LATEST_VIEW_ID = 'midjourney.latest';

export interface GalleryDeps {
  store: JobStoreReader;
  /** Folder of the engine's media cache: the only user files the webviews may load. */
  cacheDir: string;
  log: Logger;
  favourites: FavouritesPort;
}

export interface GalleryForTest {
  panel: vscode.WebviewPanel | undefined;
  /** Messages the panel's webview was sent, oldest first (the last 50). */
  panelMessages(): readonly HostToWebview[];
  /** Messages the sidebar view was sent, oldest first (the last 50). */
  latestMessages(): readonly HostToWebview[];
  /** The sidebar view's HTML, once VS Code has resolved the view (for the CSP checks). */
  latestHtml(): string | undefined;
  /** Feed a message to the panel's host side as if the webview had sent it. */
  sendFromPanel(message: unknown): Promise<void>;
}

export interface GalleryHandle {
  openGallery(jobId?: string): Promise<void>;
  panelForTest(): GalleryForTest;
  dispose(): void;
}

/** A job reference as commands receive it: `{ id }`, or a bare id string. */
function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.length > 0) return arg;
  if (typeof arg === 'object' && arg !== null && 'id' in arg) {
    const id = arg.id;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return undefined;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function registerGallery(context: vscode.ExtensionContext, deps: GalleryDeps): GalleryHandle {
  const disposables: vscode.Disposable[] = [];
  const thumbnailDir = join(context.globalStorageUri.fsPath, 'gallery-thumbnails');
  const connections = new Set<GalleryConnection>();
  // Made when a gallery first shows: the codecs and the message schemas load with the runtime bundle.
  let thumbnailCache: ThumbnailCache | undefined;
  const thumbnails = (): ThumbnailCache =>
    (thumbnailCache ??= new (loadRuntime().ThumbnailCache)(thumbnailDir, deps.log, (source) => {
      for (const connection of connections) connection.onThumbnailReady(source);
    }));
  let panel: vscode.WebviewPanel | undefined;
  let panelConnection: GalleryConnection | undefined;
  let latestConnection: GalleryConnection | undefined;
  let latestView: vscode.WebviewView | undefined;

  const localResourceRoots = [
    vscode.Uri.joinPath(context.extensionUri, 'dist'),
    vscode.Uri.joinPath(context.extensionUri, 'media'),
    vscode.Uri.file(deps.cacheDir),
    vscode.Uri.file(thumbnailDir),
  ];
  const webviewOptions: vscode.WebviewOptions = { enableScripts: true, localResourceRoots };

  const services: GalleryServices = {
    store: deps.store,
    log: deps.log,
    favourites: deps.favourites,
    executeCommand: async (command, ...args) => vscode.commands.executeCommand(command, ...args),
    openGallery: (jobId) => openGallery(jobId),
    now: () => Date.now(),
    setTimer(fn, ms) {
      const handle = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(handle) };
    },
  };

  function mediaFor(webview: vscode.Webview): MediaUris {
    const uriOf = (path: string, version: string) => webview.asWebviewUri(vscode.Uri.file(path)).with({ query: `v=${version}` }).toString();
    const full = (path: string): string | undefined => {
      if (!isInside(deps.cacheDir, path)) return undefined;
      const version = fileVersion(path);
      return version === undefined ? undefined : uriOf(path, version);
    };
    return {
      full,
      thumb(path) {
        if (!isInside(deps.cacheDir, path)) return undefined;
        const lookup = thumbnails().lookup(path);
        if (lookup.kind === 'thumbnail') return uriOf(lookup.path, lookup.version);
        if (lookup.kind === 'missing') return undefined;
        return full(path);
      },
    };
  }

  function assetUri(webview: vscode.Webview, ...segments: string[]): string {
    const file = vscode.Uri.joinPath(context.extensionUri, ...segments);
    const version = fileVersion(file.fsPath) ?? '0';
    return webview.asWebviewUri(file).with({ query: `v=${version}` }).toString();
  }

  /** Wire one webview (panel or view) to a new connection. */
  function connect(webview: vscode.Webview, view: ViewKind, isVisible: () => boolean, lifetime: vscode.Disposable[]): GalleryConnection {
    webview.options = webviewOptions;
    const connection = new (loadRuntime().GalleryConnection)({
      view,
      post: (message) => void webview.postMessage(message),
      isVisible,
      media: mediaFor(webview),
    }, services);
    connections.add(connection);
    lifetime.push(webview.onDidReceiveMessage((message: unknown) => void connection.handleMessage(message)));
    webview.html = galleryHtml({
      view,
      cspSource: webview.cspSource,
      scriptUri: assetUri(webview, 'dist', 'webview.js'),
      styleUri: assetUri(webview, 'media', 'gallery.css'),
    });
    return connection;
  }

  function adoptPanel(created: vscode.WebviewPanel): void {
    panel = created;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'activity.svg');
    const lifetime: vscode.Disposable[] = [];
    const connection = connect(created.webview, 'gallery', () => created.visible, lifetime);
    panelConnection = connection;
    lifetime.push(created.onDidChangeViewState(() => connection.onVisibilityChanged()));
    created.onDidDispose(() => {
      connection.dispose();
      connections.delete(connection);
      for (const d of lifetime) d.dispose();
      if (panel === created) {
        panel = undefined;
        panelConnection = undefined;
      }
    });
  }

  async function openGallery(jobId?: string): Promise<void> {
    if (!panel) {
      adoptPanel(vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'Midjourney Gallery', vscode.ViewColumn.Active, webviewOptions));
    } else {
      panel.reveal();
    }
    if (jobId !== undefined) panelConnection?.reveal(jobId);
  }

  disposables.push(
    vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
      // The webview restores its own UI state (query, scroll, open job) from getState().
      async deserializeWebviewPanel(restored: vscode.WebviewPanel) {
        if (panel && panel !== restored) {
          restored.dispose();
          return;
        }
        adoptPanel(restored);
      },
    }),
    vscode.window.registerWebviewViewProvider(LATEST_VIEW_ID, {
      resolveWebviewView(view: vscode.WebviewView) {
        const lifetime: vscode.Disposable[] = [];
        const connection = connect(view.webview, 'latest', () => view.visible, lifetime);
        latestConnection = connection;
        latestView = view;
        lifetime.push(view.onDidChangeVisibility(() => connection.onVisibilityChanged()));
        view.onDidDispose(() => {
          connection.dispose();
          connections.delete(connection);
          for (const d of lifetime) d.dispose();
          if (latestConnection === connection) latestConnection = undefined;
          if (latestView === view) latestView = undefined;
        });
      },
    }),
    vscode.commands.registerCommand('midjourney.openGallery', (ref?: unknown) => openGallery(jobIdOf(ref))),
    deps.store.onDidChange((change) => {
      for (const connection of connections) connection.onStoreChange(change);
    }),
  );

  return {
    openGallery,
    panelForTest: () => ({
      panel,
      panelMessages: () => panelConnection?.postedMessages() ?? [],
      latestMessages: () => latestConnection?.postedMessages() ?? [],
      latestHtml: () => latestView?.webview.html,
      sendFromPanel: async (message) => {
        await panelConnection?.handleMessage(message);
      },
    }),
    dispose() {
      thumbnailCache?.dispose();
      panel?.dispose();
      for (const connection of connections) connection.dispose();
      connections.clear();
      for (const d of disposables) d.dispose();
    },
  };
}
