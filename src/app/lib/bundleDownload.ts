import type { RunConfig } from '../../engine/config';
import { bundleFileName, bundleSteps, type BundleOptions } from '../../engine/export/bundle';
import { zip } from '../../engine/export/zip';
import type { MetricsRecord } from '../../engine/train/metrics';
import { downloadBlob } from './download';

/**
 * "Download bundle (.zip)": src/engine/export/bundle.ts's steps, run on the page with a
 * macrotask between steps whenever ~30 ms have passed, so a progress bar can draw and the page
 * stays responsive while the PNGs are encoded (about a second for a few hundred prompts).
 */
export async function buildBundleInSteps(config: RunConfig, opts: Omit<BundleOptions, 'onProgress'>, onProgress: (share: number) => void): Promise<Uint8Array> {
  const steps = bundleSteps(config, opts);
  let last = performance.now();
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) {
      onProgress(1);
      return zip(r.value);
    }
    if (performance.now() - last > 30) {
      onProgress(r.value);
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
  }
}

export async function downloadBundle(config: RunConfig, name: string, opts: { presetTitle: string; iteration?: number; metrics?: readonly MetricsRecord[]; n?: number }, onProgress: (share: number) => void): Promise<string> {
  const bytes = await buildBundleInSteps(config, { ...opts, runName: name }, onProgress);
  const file = bundleFileName(name);
  downloadBlob(file, new Blob([bytes as BlobPart], { type: 'application/zip' }));
  return file;
}
