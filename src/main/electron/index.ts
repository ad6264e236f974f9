// Electron entry: the window, the IPC registration and nothing else. Everything it serves lives in
// plain-Node modules (workspace, services) that the CLI and the browser harness share.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { createHandlers, type Handlers } from '../services/handlers';
import { ensureDemoWorkspace } from '../workspace/demo';
import { openWorkspace, type Workspace } from '../workspace/workspace';
import { registerIpc } from './ipc';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl = process.env['ELECTRON_RENDERER_URL'];

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
  if (demo) await ensureDemoWorkspace(ws);
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
  if (rendererUrl) void win.loadURL(rendererUrl);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  const ready = prepare();
  ready.catch((e: unknown) => {
    dialog.showErrorBox(
      'DVT Workstation could not open its workspace',
      e instanceof Error ? e.message : String(e),
    );
    app.quit();
  });
  const win = createWindow();
  registerIpc(
    ready.then((r) => r.handlers),
    (url) => url === win.webContents.getURL(),
  );
  app.on('before-quit', () => {
    void ready.then((r) => r.ws.close());
  });
});

app.on('window-all-closed', () => app.quit());
