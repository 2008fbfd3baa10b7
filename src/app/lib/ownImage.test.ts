import { describe, expect, it } from 'vitest';
import { BACKGROUND } from '../../engine/tasks/raster';
import { isKnownWord } from '../../engine/tokenizer';
import { blankImage, paint, resample, unknownWordsSentence } from './ownImage';

describe('resample', () => {
  // 4 x 4 RGBA: left half red (255,0,0), right half blue (0,0,255), all opaque.
  const rgba = new Uint8ClampedArray(4 * 4 * 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) rgba.set(x < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 4 + x) * 4);
  it('area: a box average, exact for any ratio', () => {
    const one = resample(rgba, 4, 4, 1, 'area');
    expect([...one]).toEqual([0.5, 0, 0.5]);
    const three = resample(rgba, 4, 4, 3, 'area'); // middle column straddles the edge half and half
    expect(three[0]).toBeCloseTo(1, 6);
    expect(three[3]).toBeCloseTo(0.5, 6);
    expect(three[5]).toBeCloseTo(0.5, 6);
  });
  it('nearest: the source pixel under each centre', () => {
    const two = resample(rgba, 4, 4, 2, 'nearest');
    expect([...two.slice(0, 6)]).toEqual([1, 0, 0, 0, 0, 1]);
  });
  it('transparent pixels read as the background', () => {
    const clear = new Uint8ClampedArray(4);
    const out = resample(clear, 1, 1, 1, 'nearest');
    expect(out[0]).toBeCloseTo(BACKGROUND[0], 6);
  });
});

describe('pen and question', () => {
  it('paints a clipped square', () => {
    const img = blankImage(4);
    paint(img, 4, 0, 0, 2, [1, 0, 0]);
    expect([...img.slice(0, 3)]).toEqual([1, 0, 0]);
    expect([...img.slice(3, 6)]).toEqual([1, 0, 0]); // (1, 0)
    expect(img[(4 + 0) * 3]).toBe(1); // (0, 1)
    expect(img[(4 * 2 + 2) * 3]).toBeCloseTo(BACKGROUND[0], 6);
  });
  it('names unknown words in one sentence', () => {
    expect(unknownWordsSentence('how many red circle ?', isKnownWord)).toBeNull();
    expect(unknownWordsSentence('how many purple blob ?', isKnownWord)).toBe('The model does not know "purple", "blob": use words of the task\'s questions (see the suggestions).');
    expect(unknownWordsSentence('  ', isKnownWord)).toBe('Type a question.');
  });
});
