import { BackendOptionsSchema, BackendRequestSchema, type BackendOptions, type BackendRequest } from '../worker/protocol';
import { useApp } from './store';
import { isOwnHash } from './store/configSlice';
import { isLearnTopic } from './store/learnSlice';
import { VIEWS } from './store/uiSlice';

/**
 * Page start: config from the URL hash, runs from IndexedDB, then the worker on the
 * backend `?backend=` asks for (auto otherwise).
 */
export function bootstrap(): void {
  const app = useApp.getState();
  const params = new URLSearchParams(location.search);
  const raw = params.get('backend') ?? 'auto';
  const parsed = BackendRequestSchema.safeParse(raw);
  const request: BackendRequest = parsed.success ? parsed.data : 'auto';
  if (!parsed.success) app.notify('error', `Unknown ?backend=${raw}: use webgpu, webgl, wasm or cpu. Choosing automatically.`);
  const options = backendOptions(params, (message) => app.notify('error', message));
  const view = VIEWS.find((v) => v === params.get('view'));
  if (view) app.setView(view);
  const topic = params.get('topic');
  if (isLearnTopic(topic)) app.openTopic(topic);
  // ?debug: the store on window, for the console and the end-to-end tests, and a storage fault
  // switch (`__rftStorage.failNextWrites(n)`: the worker's next n writes fail as a full quota would).
  const failNextWrites = async (n: number): Promise<void> => {
    const client = useApp.getState().client;
    if (!client?.connected) throw new Error('The trainer worker is not running.');
    await client.api.failNextWrites(n);
  };
  if (params.has('debug')) Object.assign(window, { __rft: useApp, __rftStorage: { failNextWrites } });

  app.loadHash(location.hash);
  window.addEventListener('hashchange', () => {
    if (!isOwnHash(location.hash)) useApp.getState().loadHash(location.hash);
  });

  // Before the runs are read: which of them another tab is training decides how they load.
  app.initTabs();
  void app.loadRuns().catch((e: unknown) => app.notify('error', `Saved runs could not be read: ${e instanceof Error ? e.message : String(e)}`));
  void app.connectWorker(request, new URL(import.meta.env.BASE_URL, location.href).href, options);
}

/** `?threads=N` (wasm's thread count, for measuring what the cores buy); a bad value is said and ignored. */
export function backendOptions(params: URLSearchParams, complain: (message: string) => void): BackendOptions {
  const raw = params.get('threads');
  if (raw === null) return {};
  const parsed = BackendOptionsSchema.safeParse({ threads: /^\d+$/.test(raw) ? Number(raw) : NaN });
  if (parsed.success) return parsed.data;
  complain(`Unknown ?threads=${raw}: use a whole number from 1 to 8. Using the default (half the cores).`);
  return {};
}
