import { TrainerClient, type BackendInfo, type BackendOptions, type BackendRequest } from '../../worker/client';
import type { Slice } from './types';
import { errorText } from '../../engine/issues';

/**
 * The trainer worker: its client, the backend it chose, and restart after a crash. A worker
 * that dies on its own leaves the state 'crashed' (the page says so and offers Restart)
 * rather than restarting itself: whatever killed it (a run too big, a bad config) would
 * likely kill the next one too, and the user should see why first.
 */
export interface WorkerSlice {
  client: TrainerClient | null;
  backend: BackendInfo | null;
  /** 'failed': it never started; 'crashed': it died after starting (runs are interrupted). */
  workerState: 'off' | 'starting' | 'ready' | 'failed' | 'crashed';
  workerError: string | null;
  connectWorker: (request: BackendRequest, baseUrl: string, options?: BackendOptions) => Promise<void>;
  /** A fresh worker (the Restart button after a crash); saved runs stay as they are. */
  restartWorker: () => Promise<void>;
  /** Kill the worker now (a stuck iteration); live runs become resumable 'interrupted' runs. */
  abortWorker: () => void;
}

const errText = errorText; // zod's issue JSON (a worker's refusal) as sentences

export const createWorkerSlice: Slice<WorkerSlice> = (set, get) => {
  /** True while abortWorker kills the worker on purpose: that one restarts at once. */
  let aborting = false;

  const onCrash = (message: string) => {
    if (aborting) {
      get().onWorkerCrash(message);
      void get().restartWorker();
      return;
    }
    // The banner (WorkerCrashBanner) says it, with the Restart button: no toast as well.
    get().onWorkerCrash(message, { notify: false });
    set({ workerState: 'crashed', workerError: message });
  };

  return {
    client: null,
    backend: null,
    workerState: 'off',
    workerError: null,
    connectWorker: async (request, baseUrl, options) => {
      const client = new TrainerClient({ backend: request, backendOptions: options, baseUrl, onEvent: (e) => get().handleEvent(e), onCrash });
      set({ client, workerState: 'starting', workerError: null });
      try {
        const backend = await client.connect();
        set({ backend, workerState: 'ready' });
      } catch (e) {
        // The banner says it ("The trainer did not start", with the error and Restart): no toast as well.
        set({ workerState: 'failed', workerError: errText(e) });
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
    abortWorker: () => {
      aborting = true;
      try {
        get().client?.abort('The trainer worker was stopped by hand; live runs can be resumed from their last checkpoint.');
      } finally {
        aborting = false;
      }
    },
  };
};
