/**
 * PNG encoding of the tasks' Float32 RGB images (PNG spec, W3C 2nd ed.: IHDR colour type 2, 8
 * bits, filter 0 on every row), with the zlib stream (RFC 1950) made of stored deflate blocks
 * (RFC 1951, 3.2.4: BTYPE 00, at most 65535 bytes each). Uncompressed but valid: a 32x32 image
 * is ~3 KB. Pure and synchronous, the same in the browser and in Node.
 */
import { crc32 } from './zip';

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored deflate blocks. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // CM 8 (deflate), CINFO 7 (32K window)
  out[1] = 0x01; // FCHECK: 0x7801 % 31 == 0, FLEVEL 0
  let p = 2;
  for (let k = 0; k < blocks; k++) {
    const chunk = data.subarray(k * 65535, Math.min(data.length, (k + 1) * 65535));
    out[p++] = k === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00
    out[p++] = chunk.length & 0xff;
    out[p++] = chunk.length >>> 8;
    out[p++] = ~chunk.length & 0xff;
    out[p++] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, p);
    p += chunk.length;
  }
  new DataView(out.buffer).setUint32(p, adler32(data), false);
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)), false);
  return out;
}

/** [size, size, 3] row-major RGB in [0, 1] (a TaskInstance's image) -> PNG bytes. */
export function encodePng(rgb: Float32Array, width: number, height = width): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: ${rgb.length} values for a ${width}x${height} RGB image (expected ${width * height * 3}).`);
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    raw[row] = 0; // filter: none
    for (let i = 0; i < width * 3; i++) {
      const v = rgb[y * width * 3 + i]!;
      raw[row + 1 + i] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
    }
  }
  const ihdr = new Uint8Array(13);
  const h = new DataView(ihdr.buffer);
  h.setUint32(0, width, false);
  h.setUint32(4, height, false);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, b) => s + b.length, 0));
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}
