/// <reference lib="webworker" />
import '../engine/zodJitless'; // first, before any schema is built: no eval probe under the CSP
import * as Comlink from 'comlink';
// tfjs-core first (its flags), then its gradients: the trainer differentiates, and
// tfjs-core registers no gradients by itself.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { RunConfigSchema } from '../engine/config';
import { parseOrExplain } from '../engine/issues';
import { requestWasmThreads, selectBackend } from './backend';
import { AttentionRequestSchema, BackendOptionsSchema, BackendRequestSchema, CreateOptionsSchema, EvaluateNSchema, type BackendInfo, type TrainerApi, type WorkerEvent } from './protocol';
import { checkFusedKernels } from './kernelCheck';
import { checkWasmKernels } from './wasmKernelCheck';
import { recordsApi } from './records';
import { Runner } from './runner';
import { evaluateAcrossTasks, evaluateRun, forkRun, sampleOwn } from './tools';

/**
 * The trainer worker: owns TensorFlow.js, the backend and every live trainer. The page
 * talks to it only through the comlink `TrainerApi` in ./protocol.ts.
 */

let runner: Runner | null = null;
let backend: BackendInfo | null = null;

function need(): Runner {
  if (!runner) throw new Error('The worker is not initialised: call init() first.');
  return runner;
}

/** The page's writes, once the runner (and its journal) exist. */
let records: ReturnType<typeof recordsApi> | null = null;
function store(): ReturnType<typeof recordsApi> {
  records ??= recordsApi(need());
  return records;
}

/** Hold the lock `name` until this worker dies (see TrainerApi.holdLifeline). */
function holdLifeline(name: string): Promise<boolean> {
  const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    locks
      .request(name, () => {
        resolve(true);
        return new Promise<never>(() => undefined); // never released while the worker lives
      })
      .catch(reject);
  });
}

const api: TrainerApi = {
  async init(request, baseUrl, onEvent, options) {
    if (runner && backend) return backend;
    requestWasmThreads(parseOrExplain(BackendOptionsSchema, options ?? {}, 'Invalid backend options').threads);
    backend = await selectBackend(BackendRequestSchema.parse(request));
    // The callback is a comlink proxy: each call is one postMessage; nothing waits on it.
    const emit = (e: WorkerEvent) => void Promise.resolve(onEvent(e)).catch(() => undefined);
    runner = new Runner(emit, backend, baseUrl);
    return backend;
  },
  create: (runId, config, opts) => need().create(runId, parseOrExplain(RunConfigSchema, config, 'Invalid config'), parseOrExplain(CreateOptionsSchema, opts ?? {}, 'Invalid create options')),
  start: (runId) => Promise.resolve(need().start(runId)),
  pause: (runId) => need().pause(runId),
  step: (runId) => need().step(runId),
  stop: (runId) => need().stop(runId),
  reset: (runId) => need().reset(runId),
  evaluate: (runId, n) => need().evaluate(runId, parseOrExplain(EvaluateNSchema, n, 'Invalid evaluation size')),
  addRun: (run) => store().addRun(run),
  updateRun: (runId, fields) => store().updateRun(runId, fields),
  importRun: (run, metrics) => store().importRun(run, metrics),
  importFile: (request, onProgress) => store().importFile(request, onProgress),
  cancelImport: (id) => store().cancelImport(id),
  deleteRun: (runId) => store().deleteRun(runId),
  undo: (runId) => store().undo(runId),
  compact: (runId, drop, through) => store().compact(runId, drop, through),
  retrySaving: () => store().retrySaving(),
  failNextWrites: (n) => store().failNextWrites(n),
  simulateBackendFailure: () => Promise.resolve(need().simulateBackendFailure()),
  checkFusedKernels: () => checkFusedKernels(),
  checkWasmKernels: () => checkWasmKernels(),
  holdLifeline: (name) => holdLifeline(name),
  attention: (runId, request) => need().attention(runId, AttentionRequestSchema.parse(request)),
  list: () => Promise.resolve(runner ? runner.list() : []),
  evaluateRun: (runId, request, onProgress) => evaluateRun(need(), runId, request, onProgress),
  evaluateAcrossTasks: (runId, request, onProgress) => evaluateAcrossTasks(need(), runId, request, onProgress),
  sampleOwn: (runId, request) => sampleOwn(need(), runId, request),
  forkRun: (sourceId, request) => forkRun(need(), sourceId, request),
};

Comlink.expose(api);
