import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DECODE_ATTENTION_MAX_KEYS, FUSED_BIAS_GELU, FUSED_DECODE_ATTENTION, FUSED_LAYER_NORM, biasGeluProgram, decodeAttentionProgram, fusedBiasGelu, fusedDecodeAttention, fusedLayerNorm, layerNormProgram } from './fused';

// The kernel itself runs only in a browser with WebGPU: e2e/kernels.spec.ts checks it against the
// reference ops to 1e-5 on SwiftShader. Here: it stays out of Node's way.
describe('fused WebGPU LayerNorm, off a WebGPU backend', () => {
  it('declines (null: LayerNorm runs its reference ops) and registers nothing', () => {
    expect(tf.getBackend()).not.toBe('webgpu');
    const x = tf.ones([2, 3, 8]);
    const g = tf.ones([8]);
    const b = tf.zeros([8]);
    expect(fusedLayerNorm(x, g, b, 1e-5)).toBeNull();
    expect(fusedBiasGelu(x, b, 0.07, 1.6)).toBeNull();
    const q = tf.ones<tf.Rank.R4>([2, 2, 1, 4]);
    const kv = tf.ones<tf.Rank.R4>([2, 2, 3, 4]);
    const mask = tf.zeros([2, 1, 1, 3]);
    expect(fusedDecodeAttention(q, kv, kv, mask, 0.5)).toBeNull();
    tf.dispose([q, kv, mask]);
    expect(tf.getKernel(FUSED_DECODE_ATTENTION, 'webgpu')).toBeUndefined();
    expect(tf.getKernel(FUSED_LAYER_NORM, 'webgpu')).toBeUndefined(); // importing the module has no side effect
    expect(tf.getKernel(FUSED_BIAS_GELU, 'webgpu')).toBeUndefined();
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

  it('the bias + GELU program: one thread per element (the last workgroup partly idle), x and bias through the accessors, the constants as uniforms', () => {
    const p = biasGeluProgram(15, 37, true); // 555 elements: 9 workgroups of 64, the last one partly idle
    expect(p.outputShape).toEqual([15, 37]);
    expect(p.dispatch).toEqual([9, 1, 1]);
    expect(p.size).toBe(true); // tfjs then declares uniforms.size, which the bounds check reads
    expect(p.variableNames).toEqual(['x', 'bias']);
    const code = p.getUserCode();
    for (const s of ['if (index < uniforms.size)', 'getX(row, col) + getBias(col)', 'uniforms.cubic', 'uniforms.linear', 'setOutputAtIndex(index,']) expect(code).toContain(s);
    const alone = biasGeluProgram(2, 13, false);
    expect(alone.variableNames).toEqual(['x']);
    expect(alone.shaderKey).not.toBe(p.shaderKey); // two shaders: tfjs caches compiled pipelines by key
    expect(alone.getUserCode()).not.toContain('getBias');
  });

  it('the decoding-step attention program: one 64-thread workgroup per (row, head), the scores in workgroup memory, the output in [B, H, Dh] order', () => {
    const p = decodeAttentionProgram(64, 4, 16);
    expect(p.outputShape).toEqual([64, 4, 16]); // = [B, 1, H·Dh] with the heads side by side, after a free reshape
    expect(p.dispatch).toEqual([256, 1, 1]);
    expect(p.workgroupSize).toEqual([64, 1, 1]);
    expect(p.variableNames).toEqual(['q', 'k', 'v', 'mask']);
    const code = p.getUserCode();
    expect(code).toContain(`array<f32, ${DECODE_ATTENTION_MAX_KEYS}>`);
    for (const s of ['getQ(b, h, d) * uniforms.scale', 'getK(b, h, j, d)', 'getMask(b, j)', 'getV(b, h, j, d)', 'uniforms.kShape[2]', 'setOutputAtCoords(b, h, d,']) expect(code).toContain(s);
  });
});
