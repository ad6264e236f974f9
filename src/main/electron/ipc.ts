import { ipcMain } from 'electron';
import { channels } from '../../shared/ipc/contract';
import { err } from '../../shared/result';
import { dispatch, type Handlers } from '../services/handlers';

/**
 * One ipcMain handler per contract channel. Each checks which frame sent the call (only our own
 * page may ask) and hands the raw input to `dispatch`, which validates it.
 */
export function registerIpc(handlers: Promise<Handlers>, isTrustedUrl: (url: string) => boolean): void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url))
        return err('invalid-input', `${channel}: refused a call from ${url || 'an unknown frame'}`);
      return dispatch(await handlers, channel, input);
    });
  }
}
