import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Content-Security-Policy of the built app. Scripts and workers come from this origin only; no
 * eval ('wasm-unsafe-eval' only lets tfjs-backend-wasm compile its own WebAssembly); nothing is
 * fetched from anywhere else. blob: in script-src and worker-src is for the threaded wasm build
 * only: tfjs-backend-wasm starts its pthread workers from a Blob of its own bundled code (a
 * blob: URL can only be made by a script this origin already runs). Styles allow 'unsafe-inline' because KaTeX's HTML and recharts
 * carry style attributes; images allow data: (the favicon) and blob: (chart PNG export).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Cross-origin isolation: with these two headers the page gets SharedArrayBuffer, so
 * tfjs-backend-wasm loads its threaded SIMD build and uses every core. Every resource the app
 * loads is same-origin, so `require-corp` blocks nothing. A static host must send both
 * headers too (README, "Serving the built site"); without them the app still works, on one
 * thread, and the backend badge says so.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

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
 * tfjs-backend-wasm starts each pthread worker on `factory.toString()`, so that function must
 * not reach outside itself. It reads one outer variable, `_scriptDir`, behind a `typeof` guard
 * that a minifier may drop (it sees the variable declared), leaving a free `e` in the worker:
 * "e is not defined". In this app `_scriptDir` is always undefined (a module worker has no
 * document.currentScript, and tfjs passes mainScriptUrlOrBlob), so both reads are removed
 * from the source. The build fails if the text is not found (a tfjs upgrade changed it).
 */
const THREADED_FACTORY = /tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY_EDITS: [string, string][] = [
  ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
  ['"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,', '"urlOrBlob":Module["mainScriptUrlOrBlob"],'],
];
export function selfContainedWasmFactory(code: string): string {
  return FACTORY_EDITS.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`tfjs-backend-wasm's threaded factory changed: "${from}" not found; see vite.config.ts`);
    return text.replace(from, to);
  }, code);
}
export const wasmThreadsPlugin = {
  name: 'rft-wasm-threads',
  transform(code: string, id: string) {
    return THREADED_FACTORY.test(id) ? { code: selfContainedWasmFactory(code), map: null } : null;
  },
};

/**
 * The playground is a static site: the page, one module worker that owns TensorFlow.js, the
 * wasm binaries (imported with `?url`, so they are served from here, never a CDN) and the
 * warm-start checkpoints under public/.
 */
export default defineConfig({
  plugins: [react(), cspMeta(), wasmThreadsPlugin],
  // 'mpa': a missing file (say public/checkpoints/<task>/model.json) is a 404, not index.html.
  appType: 'mpa',
  worker: { format: 'es', plugins: () => [wasmThreadsPlugin] },
  server: { host: 'localhost', port: 5173, headers: { ...ISOLATION_HEADERS } },
  preview: { host: 'localhost', port: 4173, headers: { 'Content-Security-Policy': CSP, ...ISOLATION_HEADERS } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: {
    // The dev server pre-bundles tfjs: the same edit there.
    rolldownOptions: { plugins: [wasmThreadsPlugin] },
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
