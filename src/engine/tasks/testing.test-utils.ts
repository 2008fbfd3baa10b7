// Helpers shared by the task tests (only *.test.ts files import this).

/** FNV-1a (32 bit) over the bytes of an image, as 8 hex digits: pins a picture in a snapshot. */
export function fnv(image: Float32Array): string {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(image.buffer, image.byteOffset, image.byteLength)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
