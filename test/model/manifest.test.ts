import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/shared/model/manifest';
import { torchvisionRawManifest } from './manifests';

describe('parseManifest', () => {
  const base = torchvisionRawManifest();

  it('reads a version-1 manifest and fills the defaults', () => {
    const m = parseManifest(base);
    expect(m.description).toBe('');
    expect(m.provenance).toEqual({});
    expect(m.boxCoding).toEqual({ kind: 'torchvision', weights: [1, 1, 1, 1], clip: Math.log(1000 / 16) });
  });

  it('refuses manifests of a newer version, or with none', () => {
    expect(() => parseManifest({ ...base, schemaVersion: 2 })).toThrow(/newer than this app reads/);
    expect(() => parseManifest({ ...base, schemaVersion: undefined })).toThrow(/no schemaVersion/);
    expect(() => parseManifest('model')).toThrow(/no schemaVersion/);
  });

  it('needs anchors and a box coding for raw heads', () => {
    const { anchors: _a, ...noAnchors } = base;
    expect(() => parseManifest(noAnchors)).toThrow(/anchors: torchvision-raw needs anchors/);
  });

  it('keeps 1-slice models to the slice z and 3-slice models to z-1, z, z+1 once each', () => {
    const oneSlice = { ...base.input, slices: 1, channels: ['z', 'z', 'z'] };
    expect(parseManifest({ ...base, input: oneSlice }).input.slices).toBe(1);
    expect(() => parseManifest({ ...base, input: { ...oneSlice, channels: ['z-1', 'z', 'z+1'] } })).toThrow(
      /a 1-slice model takes only the slice z/,
    );
    expect(() => parseManifest({ ...base, input: { ...base.input, channels: ['z', 'z', 'z+1'] } })).toThrow(
      /z-1, z and z\+1, each once/,
    );
    const reversed = { ...base.input, channels: ['z+1', 'z', 'z-1'] };
    expect(parseManifest({ ...base, input: reversed }).input.channels).toEqual(['z+1', 'z', 'z-1']);
  });

  it('names the faulty field', () => {
    expect(() => parseManifest({ ...base, name: 'has space' })).toThrow(/name: letters, digits/);
    expect(() =>
      parseManifest({ ...base, input: { ...base.input, window: { level: 140, width: 0 } } }),
    ).toThrow(/input.window.width/);
    expect(() =>
      parseManifest({ ...base, anchors: { ...base.anchors, strides: [8, 16] } as typeof base.anchors }),
    ).toThrow(/one stride per size/);
  });
});
