/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.x, sections 4.3.7 local file header, 4.3.12 central
 * directory header, 4.3.16 end of central directory): every entry "stored" (method 0, no
 * compression), UTF-8 names (general purpose bit 11), a fixed timestamp (1980-01-01 00:00) so
 * the same bundle gives the same bytes. No ZIP64: each entry and the whole archive stay under
 * 4 GiB, far above anything the playground exports. Pure: no DOM, no Node, no tfjs.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the one ZIP and PNG use). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntry {
  /** Path inside the archive, '/'-separated, no leading '/'. */
  path: string;
  data: Uint8Array | string;
}

/** TextEncoder/TextDecoder exist in browsers, workers and Node; the engine's tsconfig has neither DOM nor Node types. */
const text = globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array }; TextDecoder: new () => { decode(b: Uint8Array): string } };
export const utf8 = (s: string): Uint8Array => new text.TextEncoder().encode(s);
export const fromUtf8 = (b: Uint8Array): string => new text.TextDecoder().decode(b);
const LIMIT = 0xffffffff;

/** The archive's bytes. Throws on an empty, absolute, '..' or duplicate path. */
export function zip(entries: readonly ZipEntry[]): Uint8Array {
  const seen = new Set<string>();
  const files = entries.map((e) => {
    if (e.path === '' || e.path.startsWith('/') || e.path.split('/').includes('..') || e.path.includes('\\')) throw new Error(`zip: bad path "${e.path}".`);
    if (seen.has(e.path)) throw new Error(`zip: "${e.path}" appears twice.`);
    seen.add(e.path);
    const data = typeof e.data === 'string' ? utf8(e.data) : e.data;
    return { name: utf8(e.path), data, crc: crc32(data) };
  });
  const localSize = files.reduce((s, f) => s + 30 + f.name.length + f.data.length, 0);
  const centralSize = files.reduce((s, f) => s + 46 + f.name.length, 0);
  if (localSize + centralSize + 22 > LIMIT || files.length > 0xffff) throw new Error('zip: archive too large for a ZIP without ZIP64.');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let p = 0;
  const u16 = (v: number) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(p, v >>> 0, true);
    p += 4;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, p);
    p += b.length;
  };
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const offsets: number[] = [];
  for (const f of files) {
    offsets.push(p);
    u32(0x04034b50);
    u16(20); // version needed: 2.0
    u16(0x0800); // UTF-8 names
    u16(0); // stored
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(f.crc);
    u32(f.data.length);
    u32(f.data.length);
    u16(f.name.length);
    u16(0);
    bytes(f.name);
    bytes(f.data);
  }
  const central = p;
  files.forEach((f, i) => {
    u32(0x02014b50);
    u16(0x031e); // made by: Unix, 3.0
    u16(20);
    u16(0x0800);
    u16(0);
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(f.crc);
    u32(f.data.length);
    u32(f.data.length);
    u16(f.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32((0o100644 << 16) >>> 0); // external: a regular file, rw-r--r--
    u32(offsets[i]!);
    bytes(f.name);
  });
  const centralLen = p - central;
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(files.length);
  u16(files.length);
  u32(centralLen);
  u32(central);
  u16(0);
  return out;
}

/**
 * Read back an archive this writer made (stored entries only): path -> bytes, checking each
 * CRC. For tests and for checking a download; not a general unzip.
 */
export function unzip(archive: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  let end = -1;
  for (let i = archive.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('unzip: no end-of-central-directory record (not a ZIP, or truncated).');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error('unzip: bad central directory.');
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = fromUtf8(archive.subarray(p + 46, p + 46 + nameLen));
    if (method !== 0) throw new Error(`unzip: ${name} is compressed (method ${method}); only stored entries are read.`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = archive.subarray(start, start + size);
    if (crc32(data) !== crc) throw new Error(`unzip: CRC mismatch in ${name}.`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
