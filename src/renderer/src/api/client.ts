import type { DvtApi } from '../../../shared/ipc/api';
import { decodeWire, encodeWire } from '../../../shared/ipc/wire';
import type { Channel, ChannelInput, ChannelOutput } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/result';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served by the browser harness. */
    dvt?: DvtApi;
  }
}

/** The same contract over HTTP, for the browser harness. The token comes in the URL fragment. */
function httpApi(token: string): DvtApi {
  return {
    async invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
      try {
        const res = await fetch(`/api/invoke/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-dvt-token': token },
          body: encodeWire(input),
        });
        // The server answers with the contract's result for this channel.
        return decodeWire(await res.text()) as Result<ChannelOutput<C>>;
      } catch (e) {
        return lostContact('the server', e);
      }
    },
  };
}

/**
 * The Electron bridge, made to answer every call with a Result as the HTTP one does. Main answers
 * with a Result itself, but ipcRenderer.invoke still rejects when main has no handler for the channel
 * or the call cannot be delivered; a rejection would leave the caller (say, the startup screen)
 * waiting for good.
 */
function electronApi(bridge: DvtApi): DvtApi {
  return {
    async invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
      try {
        return await bridge.invoke(channel, input);
      } catch (e) {
        return lostContact('the app', e);
      }
    },
  };
}

function lostContact(peer: string, e: unknown): Result<never> {
  return {
    ok: false,
    error: {
      code: 'io',
      message: `lost contact with ${peer}: ${e instanceof Error ? e.message : String(e)}`,
    },
  };
}

export function connect(): DvtApi {
  if (window.dvt) return electronApi(window.dvt);
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (!token) throw new Error('this page needs the access token from the URL that "dvt serve" printed');
  return httpApi(token);
}
