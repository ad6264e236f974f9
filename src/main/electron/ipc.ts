import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channels } from '../../shared/ipc/contract';
import { err } from '../../shared/result';
import { dispatch, type Handlers } from '../services/handlers';

/**
 * One ipcMain handler per contract channel. Each checks who sent the call (`isTrusted`: only our
 * window's main frame showing our own page may ask) and hands the raw input to `dispatch`, which
 * validates it. `handlers` may still be pending (the workspace is being prepared): calls wait for
 * it. Every call answers with a Result, never an exception: a rejected `handlers` (the workspace
 * could not be opened) becomes an 'internal' error for the caller.
 */
export function registerIpc(
  handlers: Promise<Handlers>,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrusted(event)) {
        const url = event.senderFrame?.url ?? '';
        return err('invalid-input', `${channel}: refused a call from ${url || 'an unknown frame'}`);
      }
      let ready: Handlers;
      try {
        ready = await handlers;
      } catch (e) {
        return err(
          'internal',
          `the workspace could not be opened: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return dispatch(ready, channel, input);
    });
  }
}
