// Electron entry: the window, the IPC registration and nothing else. Everything it serves lives in
// plain-Node modules (workspace, services) that the CLI and the browser harness share.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { createHandlers, type Handlers } from '../services/handlers';
import { ensureDemoWorkspace } from '../workspace/demo';
import { ensureDemoModels, setDemoModelsDir } from '../workspace/demoModels';
import { openWorkspace, type Workspace } from '../workspace/workspace';
import { setInferenceWorkerScript } from '../inference/workerClient';
import { registerIpc } from './ipc';
import { appPageMatcher, isTrustedSender } from './sender';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl = process.env['ELECTRON_RENDERER_URL'];
/** The built page. The window loads exactly this URL, and IPC trusts only frames that show it. */
const indexFile = pathToFileURL(join(here, '../renderer/index.html'));
const isAppPage = appPageMatcher({ indexFile, devServerUrl: rendererUrl });
// Built beside this file by electron-vite (a second entry of the main build).
setInferenceWorkerScript(join(here, 'inferenceWorker.js'));
setDemoModelsDir(join(app.getAppPath(), 'resources', 'models'));

function workspaceDirFromArgs(): { dir: string; demo: boolean } {
  const i = process.argv.indexOf('--workspace');
  const given = i >= 0 ? process.argv[i + 1] : undefined;
  return given
    ? { dir: given, demo: false }
    : { dir: join(app.getPath('userData'), 'demo-workspace'), demo: true };
}

async function prepare(): Promise<{ ws: Workspace; handlers: Handlers }> {
  const { dir, demo } = workspaceDirFromArgs();
  const ws = openWorkspace(dir);
  if (demo) {
    await ensureDemoWorkspace(ws);
    // Runs are queued, not awaited: the window opens while the worker fills the comparison views.
    await ensureDemoModels(ws);
  }
  return { ws, handlers: createHandlers(ws) };
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'DVT Workstation',
    backgroundColor: '#111418',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // The app never opens other windows or navigates away from its own page.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  void win.loadURL(rendererUrl ?? indexFile.href);
  return win;
}

// One app per user: the workspace database and the demo folder are not made for two writers, and a
// second start while the first is still generating the demo would generate it again over it.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  void app.whenReady().then(() => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        },
      });
    });
    // The viewer needs no camera, notifications, geolocation or the like: refuse every request,
    // and answer "denied" to the page's permission queries, rather than Electron's default of granting.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);

    const ready = prepare();
    ready.catch((e: unknown) => {
      dialog.showErrorBox(
        'DVT Workstation could not open its workspace',
        e instanceof Error ? e.message : String(e),
      );
      app.quit();
    });
    // A promise of its own, derived from `ready`: when preparing fails it rejects too, and nobody
    // may await it before the app quits. Mark it handled here (the failure is shown in the dialog
    // above); it still rejects for every IPC call that awaits it, which registerIpc turns into an
    // 'internal' error Result.
    const handlers = ready.then((r) => r.handlers);
    handlers.catch(() => undefined);

    mainWindow = createWindow();
    // Held apart from the window object, which is destroyed when closed; the check then refuses
    // every call (a destroyed webContents is never trusted).
    const contents: WebContents = mainWindow.webContents;
    registerIpc(handlers, (event) => isTrustedSender(event, contents, isAppPage));
    app.on('before-quit', () => {
      // The failure, if any, was reported above; there is then no workspace to close.
      void ready.then(
        (r) => r.ws.close(),
        () => undefined,
      );
    });
  });

  app.on('window-all-closed', () => app.quit());
}
