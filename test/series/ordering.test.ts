import { describe, expect, it } from 'vitest';
import type { Orientation } from '../../src/shared/imaging/geometry';
import { orderSlices } from '../../src/main/series/ordering';

const axialHeadFirst: Orientation = [1, 0, 0, 0, 1, 0];
// Feet-first supine: the row direction points to the patient's left-to-right flipped.
const axialFeetFirst: Orientation = [-1, 0, 0, 0, 1, 0];

const slicesAt = (zs: number[], orientation: Orientation | null) =>
  zs.map((z, i) => ({
    position: [-200, -180, z] as [number, number, number],
    orientation,
    instanceNumber: i + 1,
  }));

describe('orderSlices', () => {
  it('orders a head-first axial series cranial to caudal whatever the file order', () => {
    const r = orderSlices(slicesAt([-10, 0, -20, -5, -15], axialHeadFirst));
    expect(r.orderedBy).toBe('position');
    expect(r.order).toEqual([1, 3, 0, 4, 2]);
    expect(r.distances).toEqual([0, -5, -10, -15, -20]);
  });

  it('orders a feet-first axial series the same anatomical way', () => {
    const head = orderSlices(slicesAt([-10, 0, -20, -5, -15], axialHeadFirst));
    const feet = orderSlices(slicesAt([-10, 0, -20, -5, -15], axialFeetFirst));
    expect(feet.order).toEqual(head.order);
  });

  it('ignores InstanceNumber when positions are known', () => {
    const slices = slicesAt([0, -5, -10], axialHeadFirst).map((s, i) => ({ ...s, instanceNumber: 10 - i }));
    expect(orderSlices(slices).order).toEqual([0, 1, 2]);
  });

  it('projects on the normal of an oblique series', () => {
    const s = Math.SQRT1_2;
    const tilted: Orientation = [1, 0, 0, 0, s, -s];
    // Normal = (0, s, s): distance along it grows with y + z.
    const slices = [3, 1, 2].map((k) => ({
      position: [0, k * 5 * s, k * 5 * s] as [number, number, number],
      orientation: tilted,
      instanceNumber: k,
    }));
    expect(orderSlices(slices).order).toEqual([0, 2, 1]);
  });

  it('orders a sagittal series along its normal', () => {
    const sagittal: Orientation = [0, 1, 0, 0, 0, -1];
    const slices = [10, -10, 0].map((x) => ({
      position: [x, 0, 0] as [number, number, number],
      orientation: sagittal,
      instanceNumber: null,
    }));
    expect(orderSlices(slices).order).toEqual([1, 2, 0]);
  });

  it('falls back to InstanceNumber when a position is missing', () => {
    const slices = slicesAt([0, -5, -10], null).map((s, i) => ({
      ...s,
      instanceNumber: [3, 1, 2][i] ?? null,
    }));
    const r = orderSlices(slices);
    expect(r.orderedBy).toBe('instance-number');
    expect(r.order).toEqual([1, 2, 0]);
    expect(r.distances).toBeNull();
  });
});
