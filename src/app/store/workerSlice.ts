import { TrainerClient, type BackendInfo, type BackendRequest } from '../../worker/client';
import type { Slice } from './types';

/** The trainer worker: its client, the backend it chose, and restart after a crash. */
export interface WorkerSlice {
  client: TrainerClient | null;
  backend: BackendInfo | null;
  workerState: 'off' | 'starting' | 'ready' | 'failed';
  workerError: string | null;
  connectWorker: (request: BackendRequest, baseUrl: string) => Promise<void>;
  restartWorker: () => Promise<void>;
  /** Kill the worker now (a stuck iteration); live runs become resumable 'interrupted' runs. */
  abortWorker: () => void;
}

/** A worker that dies this often within a minute is not restarted again (it would loop). */
const MAX_CRASHES_PER_MINUTE = 3;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const createWorkerSlice: Slice<WorkerSlice> = (set, get) => {
  const crashes: number[] = [];

  const onCrash = (message: string) => {
    get().onWorkerCrash(message);
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && now - crashes[0]! > 60_000) crashes.shift();
    if (crashes.length >= MAX_CRASHES_PER_MINUTE) {
      set({ workerState: 'failed', workerError: `The trainer worker keeps failing (${message}). Reload the page to try again.` });
      return;
    }
    void get().restartWorker();
  };

  return {
    client: null,
    backend: null,
    workerState: 'off',
    workerError: null,
    connectWorker: async (request, baseUrl) => {
      const client = new TrainerClient({ backend: request, baseUrl, onEvent: (e) => get().handleEvent(e), onCrash });
      set({ client, workerState: 'starting', workerError: null });
      try {
        const backend = await client.connect();
        set({ backend, workerState: 'ready' });
      } catch (e) {
        set({ workerState: 'failed', workerError: errText(e) });
        get().notify('error', `The trainer worker did not start: ${errText(e)}`);
      }
    },
    restartWorker: async () => {
      const { client } = get();
      if (!client) return;
      set({ workerState: 'starting' });
      try {
        const backend = await client.restart();
        set({ backend, workerState: 'ready', workerError: null });
      } catch (e) {
        set({ workerState: 'failed', workerError: errText(e) });
      }
    },
    abortWorker: () => get().client?.abort('The trainer worker was stopped by hand; live runs can be resumed from their last checkpoint.'),
  };
};
