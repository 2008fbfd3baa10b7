/**
 * tfjs-core registers no gradients by itself (the @tensorflow/tfjs union package does it with
 * `import '@tensorflow/tfjs-core/dist/register_all_gradients'`). That file is ES-module source
 * written for bundlers: its relative imports have no extension, which Vite and Vitest resolve
 * but Node does not. In Node, a tiny resolve hook retries such imports inside tfjs-core's dist
 * with `.js`, then the file is imported. Call once, before the first gradient, from a CLI.
 */
import { register } from 'node:module';

const HOOK = `export async function resolve(spec, ctx, next) {
  try { return await next(spec, ctx); } catch (e) {
    const inCore = ctx.parentURL && ctx.parentURL.includes('/@tensorflow/tfjs-core/dist/');
    if (inCore && spec.startsWith('.') && !spec.endsWith('.js')) return next(spec + '.js', ctx);
    throw e;
  }
}`;

let registered: Promise<void> | null = null;

export function registerGradients(): Promise<void> {
  registered ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return registered;
}
