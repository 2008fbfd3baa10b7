import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The playground is a static site: the page, one module worker that owns TensorFlow.js, the
 * wasm binaries (imported with `?url`, so they are served from here, never a CDN) and the
 * warm-start checkpoints under public/.
 */
export default defineConfig({
  plugins: [react()],
  // 'mpa': a missing file (say public/checkpoints/<task>/model.json) is a 404, not index.html.
  appType: 'mpa',
  worker: { format: 'es' },
  server: { host: 'localhost', port: 5173 },
  preview: { host: 'localhost', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: {
    // The worker's imports are found late by the dev server's scanner; list them so the first
    // run does not re-optimise and reload the page.
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      'comlink',
      'idb',
      'zod',
    ],
  },
});
