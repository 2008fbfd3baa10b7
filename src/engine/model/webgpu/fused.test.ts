import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FUSED_LAYER_NORM, fusedLayerNorm, layerNormProgram } from './fused';

// The kernel itself runs only in a browser with WebGPU: e2e/kernels.spec.ts checks it against the
// reference ops to 1e-5 on SwiftShader. Here: it stays out of Node's way.
describe('fused WebGPU LayerNorm, off a WebGPU backend', () => {
  it('declines (null: LayerNorm runs its reference ops) and registers nothing', () => {
    expect(tf.getBackend()).not.toBe('webgpu');
    const x = tf.ones([2, 3, 8]);
    const g = tf.ones([8]);
    const b = tf.zeros([8]);
    expect(fusedLayerNorm(x, g, b, 1e-5)).toBeNull();
    expect(tf.getKernel(FUSED_LAYER_NORM, 'webgpu')).toBeUndefined(); // importing the module has no side effect
    tf.dispose([x, g, b]);
  });

  it('the program: one 64-thread workgroup per row, reading x, gain and bias through the accessors tfjs-backend-webgpu generates', () => {
    const p = layerNormProgram(192, 64);
    expect(p.outputShape).toEqual([192, 64]);
    expect(p.dispatch).toEqual([192, 1, 1]);
    expect(p.workgroupSize).toEqual([64, 1, 1]);
    expect(p.variableNames).toEqual(['x', 'gain', 'bias']);
    const code = p.getUserCode();
    // tfjs's preamble calls main(getGlobalIndex()) for a flat dispatch, and names accessors get<Name>.
    expect(code).toMatch(/fn main\(index : i32\)/);
    for (const accessor of ['getX(row, col)', 'getGain(col)', 'getBias(col)', 'setOutputAtCoords(row, col,', 'uniforms.eps']) expect(code).toContain(accessor);
  });
});
