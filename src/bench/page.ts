/**
 * The engine benchmark in the browser: src/bench/index.html loads this module, and the
 * driver (src/cli/benchBrowser.ts, Playwright) calls window.runBench(options) once per page
 * with the backend to force. It runs on the page's main thread, not in the app's worker:
 * what is measured is the engine on that backend; the app's own responsiveness while it
 * trains is measured separately, on the real app.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { requestWasmThreads, selectBackend, wasmThreads } from '../worker/backend';
import { timeToLearn, TIME_TO_LEARN_DEFAULTS } from './timeToLearn';
import { runEngineBench } from './engineBench';
import { PageBenchOptionsSchema, type BenchEntry } from './schema';

declare global {
  interface Window {
    runBench?: (options: unknown) => Promise<BenchEntry>;
  }
}

window.runBench = async (options: unknown): Promise<BenchEntry> => {
  const o = PageBenchOptionsSchema.parse(options);
  // The app's own backend selection, forced: same wasm binaries, same adapter probe.
  requestWasmThreads(o.threads);
  const info = await selectBackend(o.backend);
  if (info.name !== o.backend) throw new Error(`the ${o.backend} backend did not start: ${info.reason}`);
  const notes = [...o.notes];
  if (info.software) notes.push(`${info.adapter} is a software adapter: the GPU is emulated on the CPU`);
  const log = (line: string) => console.log(`[bench] ${line}`);
  const deps = { loadWarmStart: (task: string) => tf.io.browserHTTPRequest(new URL(`../checkpoints/${task}/model.json`, window.location.href).href) };
  const entry = await runEngineBench({ ...o, env: 'browser', adapter: info.adapter, softwareAdapter: info.software, notes, log }, deps);
  if (info.name === 'wasm') entry.threads = wasmThreads();
  if (o.learnSeeds.length > 0) Object.assign(entry, await timeToLearn({ ...TIME_TO_LEARN_DEFAULTS, seeds: o.learnSeeds, log }, deps));
  return entry;
};
