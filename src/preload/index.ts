// The whole bridge: one typed `invoke` per contract channel. No logic lives here; main validates.
import { contextBridge, ipcRenderer } from 'electron';
import type { DvtApi } from '../shared/ipc/api';

const api: DvtApi = { invoke: (channel, input) => ipcRenderer.invoke(channel, input) };
contextBridge.exposeInMainWorld('dvt', api);
