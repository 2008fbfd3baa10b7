import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { selfContainedWasmFactory } from '../vite.config';

/**
 * The threaded wasm build starts each pthread worker on `factory.toString()`, so the factory
 * must not read anything outside itself once minified (vite.config.ts explains why). This pins
 * the edit against the installed tfjs-backend-wasm.
 */
const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');

/** The function tfjs stringifies: from `function(WasmBackendModuleThreadedSimd)` to the IIFE's end. */
function factoryBody(code: string): string {
  const start = code.indexOf('function(WasmBackendModuleThreadedSimd)');
  const end = code.lastIndexOf('})();');
  expect(start).toBeGreaterThan(0);
  return code.slice(start, end);
}

describe('the threaded wasm factory, made self-contained', () => {
  it('reads _scriptDir (the outer variable) before the edit and never after', () => {
    expect(factoryBody(source)).toContain('_scriptDir');
    expect(factoryBody(selfContainedWasmFactory(source))).not.toContain('_scriptDir');
  });
  it('refuses a factory whose text changed (a tfjs upgrade), naming the file to look at', () => {
    expect(() => selfContainedWasmFactory(source.replace('"urlOrBlob":', '"url":'))).toThrow(/threaded factory changed.*vite\.config\.ts/);
  });
});
