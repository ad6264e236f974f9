import { pathToFileURL } from 'node:url';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { appPageMatcher, isTrustedSender, type SenderInfo } from '../../src/main/electron/sender';

const indexFile = pathToFileURL('/opt/dvt app/out/renderer/index.html');
const isAppPage = appPageMatcher({ indexFile });

/** Just enough of a WebContents and its frames for the check. */
function fakeContents(url: string): { contents: WebContents; main: { url: string } } {
  const main = { url };
  const contents = { mainFrame: main, isDestroyed: () => false } as unknown as WebContents;
  return { contents, main };
}

const event = (sender: WebContents, frame: unknown): SenderInfo =>
  ({ sender, senderFrame: frame }) as unknown as SenderInfo;

describe('IPC sender check', () => {
  it("accepts only the built page's own file URL", () => {
    expect(isAppPage(indexFile.href)).toBe(true);
    expect(isAppPage(`${indexFile.href}#token`)).toBe(true);
    expect(isAppPage('file:///opt/dvt%20app/out/renderer/other.html')).toBe(false);
    expect(isAppPage('file:///tmp/index.html')).toBe(false);
    expect(isAppPage('https://example.com/index.html')).toBe(false);
    expect(isAppPage('')).toBe(false);
  });

  it("accepts any page of the dev server's origin, and no other", () => {
    const dev = appPageMatcher({ indexFile, devServerUrl: 'http://localhost:5173' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev(indexFile.href)).toBe(false);
  });

  it("trusts only our window's main frame showing our page", () => {
    const ours = fakeContents(indexFile.href);
    expect(isTrustedSender(event(ours.contents, ours.main), ours.contents, isAppPage)).toBe(true);
    // An iframe of our window, even one at our URL.
    const iframe = { url: indexFile.href };
    expect(isTrustedSender(event(ours.contents, iframe), ours.contents, isAppPage)).toBe(false);
    // A frame that has gone away since it sent the call.
    expect(isTrustedSender(event(ours.contents, null), ours.contents, isAppPage)).toBe(false);
    // Another webContents, even at our URL.
    const other = fakeContents(indexFile.href);
    expect(isTrustedSender(event(other.contents, other.main), ours.contents, isAppPage)).toBe(false);
    // Our main frame after it somehow came to show another page.
    const moved = fakeContents('https://example.com/');
    expect(isTrustedSender(event(moved.contents, moved.main), moved.contents, isAppPage)).toBe(false);
  });

  it('trusts nothing once the window is gone', () => {
    const ours = fakeContents(indexFile.href);
    const gone = { ...ours.contents, isDestroyed: () => true } as unknown as WebContents;
    expect(isTrustedSender(event(gone, ours.main), gone, isAppPage)).toBe(false);
  });
});
