// The patch encoders read back by other implementations: PNG by pngjs, .npy by NumPy itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeNpyFloat32 } from '../../src/main/exchange/patches/npy';
import { crc32, encodePng, interleaveRgb } from '../../src/main/exchange/patches/png';

const PYTHON = '/usr/bin/python3';
const hasNumpy = ((): boolean => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Deterministic bytes that exercise every value and do not repeat along a row. */
const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255);

describe('crc32', () => {
  it('gives the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('encodePng', () => {
  it('writes 8-bit grey that pngjs reads back pixel for pixel', () => {
    const [w, h] = [7, 5];
    const grey = bytes(w * h, 3);
    const file = encodePng(grey, w, h, 'grey');
    expect(file[25]).toBe(0); // IHDR colour type
    const png = PNG.sync.read(file);
    expect([png.width, png.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) {
      expect([png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2], png.data[4 * i + 3]]).toEqual([
        grey[i],
        grey[i],
        grey[i],
        255,
      ]);
    }
  });

  it('writes RGB from three planes that pngjs reads back channel for channel', () => {
    const [w, h] = [128, 128];
    const [r, g, b] = [bytes(w * h, 1), bytes(w * h, 80), bytes(w * h, 200)];
    const file = encodePng(interleaveRgb(r, g, b), w, h, 'rgb');
    expect(file[25]).toBe(2);
    const png = PNG.sync.read(file);
    expect([png.width, png.height]).toEqual([w, h]);
    // Buffers compare in one call; a deep equality over 16 384 elements takes a good part of a second.
    const channel = (c: number) =>
      Buffer.from(Uint8Array.from({ length: w * h }, (_, i) => png.data[4 * i + c]!));
    expect(channel(0).equals(r)).toBe(true);
    expect(channel(1).equals(g)).toBe(true);
    expect(channel(2).equals(b)).toBe(true);
  });

  it('refuses pixels that do not fit the size', () => {
    expect(() => encodePng(new Uint8Array(10), 3, 3, 'grey')).toThrow(/bytes/);
    expect(() => encodePng(new Uint8Array(27), 3, 3, 'grey')).toThrow(/bytes/);
    expect(() => encodePng(new Uint8Array(0), 0, 3, 'grey')).toThrow(/size/);
    expect(() => interleaveRgb(new Uint8Array(2), new Uint8Array(2), new Uint8Array(3))).toThrow(/size/);
  });
});

describe('encodeNpyFloat32', () => {
  it('aligns the data to 64 bytes and states the shape', () => {
    const file = encodeNpyFloat32(new Float32Array(3 * 128 * 128), [3, 128, 128]);
    const headerLength = file.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(file.subarray(10, 10 + headerLength).toString('latin1')).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 128, 128\), \} *\n$/,
    );
    expect(file.length).toBe(10 + headerLength + 3 * 128 * 128 * 4);
    expect(() => encodeNpyFloat32(new Float32Array(5), [2, 3])).toThrow(/shape/);
  });

  it.skipIf(!hasNumpy)('is read by numpy with its dtype, shape and values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvt-npy-'));
    try {
      const values = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 1.5 - 1024.25);
      writeFileSync(join(dir, 'a.npy'), encodeNpyFloat32(values, [2, 3, 4]));
      writeFileSync(join(dir, 'b.npy'), encodeNpyFloat32(Float32Array.from([0.1, -60]), [2]));
      const out = execFileSync(
        PYTHON,
        [
          '-c',
          [
            'import json, sys, numpy as np',
            'a = np.load(sys.argv[1]); b = np.load(sys.argv[2])',
            'print(json.dumps([str(a.dtype), a.shape, a.flags.c_contiguous, a.ravel().tolist(), a[1, 2, 3].item(),',
            '                  str(b.dtype), b.shape, b.tolist()]))',
          ].join('\n'),
          join(dir, 'a.npy'),
          join(dir, 'b.npy'),
        ],
        { encoding: 'utf8' },
      );
      const [dtype, shape, cOrder, flat, last, dtypeB, shapeB, b] = JSON.parse(out) as unknown[];
      expect([dtype, shape, cOrder]).toEqual(['float32', [2, 3, 4], true]);
      expect(flat).toEqual(Array.from(values));
      expect(last).toBe(values[23]);
      expect([dtypeB, shapeB, b]).toEqual(['float32', [2], [Math.fround(0.1), -60]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
