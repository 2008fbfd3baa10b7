import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Content-Security-Policy of the built app. Scripts and workers come from this origin only; no
 * eval ('wasm-unsafe-eval' only lets tfjs-backend-wasm compile its own WebAssembly); nothing is
 * fetched from anywhere else. Styles allow 'unsafe-inline' because KaTeX's HTML and recharts
 * carry style attributes; images allow data: (the favicon) and blob: (chart PNG export).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The built index.html carries the policy as a meta tag (so any static host enforces it on the
 * page); `vite preview` also sends it as a header, which is what the module worker is held to.
 * The dev server gets neither: React Fast Refresh injects an inline script.
 */
function cspMeta(): Plugin {
  return {
    name: 'rft-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

/**
 * The playground is a static site: the page, one module worker that owns TensorFlow.js, the
 * wasm binaries (imported with `?url`, so they are served from here, never a CDN) and the
 * warm-start checkpoints under public/.
 */
export default defineConfig({
  plugins: [react(), cspMeta()],
  // 'mpa': a missing file (say public/checkpoints/<task>/model.json) is a 404, not index.html.
  appType: 'mpa',
  worker: { format: 'es' },
  server: { host: 'localhost', port: 5173 },
  preview: { host: 'localhost', port: 4173, headers: { 'Content-Security-Policy': CSP } },
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
