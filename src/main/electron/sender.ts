// Which IPC calls main answers: only those from our own window's main frame, showing our own page.
// Kept free of Electron's runtime (types only) so that plain-Node tests can exercise it.
import type { IpcMainInvokeEvent, WebContents } from 'electron';

/**
 * Whether `url` is the app's own page: in a build, exactly the file:// URL of out/renderer/index.html
 * (any #fragment aside); under electron-vite's dev server, any page of that server's origin.
 * Comparing with the window's *current* URL instead would trust whatever the window happens to show.
 */
export function appPageMatcher(options: {
  indexFile: URL;
  devServerUrl?: string | undefined;
}): (url: string) => boolean {
  const { indexFile, devServerUrl } = options;
  if (devServerUrl) {
    const origin = new URL(devServerUrl).origin;
    return (url) => parse(url)?.origin === origin;
  }
  const expected = withoutHash(indexFile);
  return (url) => {
    const u = parse(url);
    return u !== null && u.protocol === 'file:' && withoutHash(u) === expected;
  };
}

/** The parts of an invoke event that the check reads (an Electron IpcMainInvokeEvent has them). */
export type SenderInfo = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * True only when the call comes from `trusted` (our window's webContents), from its main frame (not
 * an iframe), and that frame shows our own page.
 */
export function isTrustedSender(
  event: SenderInfo,
  trusted: WebContents | null,
  isAppPage: (url: string) => boolean,
): boolean {
  if (!trusted || trusted.isDestroyed() || event.sender !== trusted) return false;
  const frame = event.senderFrame;
  // senderFrame is null when the frame has navigated away or been destroyed since it sent the call.
  if (!frame || frame !== event.sender.mainFrame) return false;
  return isAppPage(frame.url);
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function withoutHash(u: URL): string {
  const copy = new URL(u.href);
  copy.hash = '';
  return copy.href;
}
