import type { Result } from '../result';
import type { Channel, ChannelInput, ChannelOutput } from './contract';

/** What the renderer sees of main: the Electron preload and the browser harness client both implement it. */
export interface DvtApi {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
}
