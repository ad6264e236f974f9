import type { Vec3 } from '../../shared/catalog/schemas';
import { dot, sliceNormal, type Orientation } from '../../shared/imaging/geometry';

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
 * caudal (patient +z is superior in LPS); sagittal right to left, coronal anterior to posterior.
 * Falls back to InstanceNumber only when some slice lacks position or orientation.
 */
function mainAxis(n: Vec3): 0 | 1 | 2 {
  const [ax, ay, az] = n.map(Math.abs) as [number, number, number];
  // Ties go to z: an axial-oblique series is still read cranial to caudal.
  if (az >= ax && az >= ay) return 2;
  return ax >= ay ? 0 : 1;
}

export function orderSlices(slices: readonly OrderableSlice[]): SliceOrder {
  const first = slices[0];
  const canUsePosition =
    first !== undefined && first.orientation !== null && slices.every((s) => s.position && s.orientation);
  if (canUsePosition && first.orientation) {
    let normal = sliceNormal(first.orientation);
    // Turn the normal to the positive side of its main axis (feet-first axial series have a normal
    // pointing to the feet), so that the order does not depend on how the patient lay.
    const axis = mainAxis(normal);
    if (normal[axis] < 0) normal = [-normal[0], -normal[1], -normal[2]];
    const axial = axis === 2;
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
