import type { Vec3 } from '../../shared/catalog/schemas';
import { dot, sliceNormal, type Orientation } from './geometry';

export interface OrderableSlice {
  position: Vec3 | null;
  orientation: Orientation | null;
  instanceNumber: number | null;
}

export interface SliceOrder {
  /** Indices into the input, in anatomical order. */
  order: number[];
  orderedBy: 'position' | 'instance-number';
  /** Position of each ordered slice along the normal (mm), when ordered by position. */
  distances: number[] | null;
}

/**
 * Puts slices in anatomical order: by ImagePositionPatient projected on the slice normal, so that
 * head-first and feet-first series come out the same way. For axial-ish series that is cranial to
 * caudal (patient +z is superior in LPS); for other planes, increasing along the normal.
 * Falls back to InstanceNumber only when some slice lacks position or orientation.
 */
export function orderSlices(slices: readonly OrderableSlice[]): SliceOrder {
  const first = slices[0];
  const canUsePosition =
    first !== undefined && first.orientation !== null && slices.every((s) => s.position && s.orientation);
  if (canUsePosition && first.orientation) {
    let normal = sliceNormal(first.orientation);
    // Feet-first axial series have a normal pointing to the feet; turn it to the head.
    if (Math.abs(normal[2]) > 0.5 && normal[2] < 0) normal = [-normal[0], -normal[1], -normal[2]];
    const axial = Math.abs(normal[2]) > 0.5;
    const d = slices.map((s) => dot(s.position as Vec3, normal));
    const order = slices.map((_, i) => i);
    // Cranial first for axial series (descending height), otherwise ascending along the normal.
    order.sort((a, b) => {
      const da = d[a] as number;
      const db = d[b] as number;
      return axial ? db - da : da - db;
    });
    return { order, orderedBy: 'position', distances: order.map((i) => d[i] as number) };
  }
  const order = slices.map((_, i) => i);
  order.sort((a, b) => (slices[a]?.instanceNumber ?? 0) - (slices[b]?.instanceNumber ?? 0) || a - b);
  return { order, orderedBy: 'instance-number', distances: null };
}
