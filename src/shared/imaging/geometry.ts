import type { Vec3 } from '../catalog/schemas';

export type Orientation = readonly [number, number, number, number, number, number];

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/** Unit slice normal: row direction × column direction (PS3.3 C.7.6.2.1.1). */
export function sliceNormal(o: Orientation): Vec3 {
  const n = cross([o[0], o[1], o[2]], [o[3], o[4], o[5]]);
  const len = Math.hypot(n[0], n[1], n[2]);
  if (!(len > 1e-6)) throw new Error('ImageOrientationPatient row and column directions are parallel');
  return [n[0] / len, n[1] / len, n[2] / len];
}

/**
 * Patient coordinates (mm) of a continuous pixel coordinate (x along columns, y along rows, origin
 * at the top-left corner of the first pixel, so the first pixel's centre is at 0.5, 0.5).
 * ImagePositionPatient is the centre of the first pixel.
 */
export function pixelToPatient(
  x: number,
  y: number,
  position: Vec3,
  o: Orientation,
  spacing: readonly [number, number],
): Vec3 {
  const [rowSpacing, colSpacing] = spacing;
  const dx = (x - 0.5) * colSpacing;
  const dy = (y - 0.5) * rowSpacing;
  return [
    position[0] + o[0] * dx + o[3] * dy,
    position[1] + o[1] * dx + o[4] * dy,
    position[2] + o[2] * dx + o[5] * dy,
  ];
}
