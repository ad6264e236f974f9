/**
 * What one slice is made of, before rasterising: an ordered list of paint operations on ellipses in millimetres
 * (painter's algorithm: later operations cover earlier ones). Some operations carry a tag, and the renderer reports the
 * pixel box of each tagged shape; that is how the ground-truth boxes come out of the same geometry as the pixels.
 *
 * Frame: patient millimetres about the body centre, +x towards the patient's left (image right), +y posterior
 * (image down), as in DICOM LPS with ImageOrientationPatient (1,0,0,0,1,0).
 */
import type { MimicKind, Side, VeinSegment } from '../../shared/phantom/groundTruth';

export interface MmEllipse {
  x: number;
  y: number;
  rx: number;
  ry: number;
  /** Radians; rotates the rx axis from +x towards +y. */
  angle: number;
}

export type BoxTag =
  | { label: 'vein'; side: Side; segment: VeinSegment }
  | { label: 'DVT'; side: Side; segment: VeinSegment; thrombusId: string }
  | { label: 'mimic'; kind: MimicKind; mimicId: string; side: Side };

export type PaintOp =
  /** Set every pixel inside to `hu`. */
  | { kind: 'fill'; shape: MmEllipse; hu: number; tag?: BoxTag }
  /** Set pixels inside whose value is below `below` to `hu` (oedema raises fat only). */
  | { kind: 'replaceBelow'; shape: MmEllipse; hu: number; below: number }
  /** Blend pixels inside that are at least `above` towards `hu`, fully within `inner` of the radius, fading outside. */
  | { kind: 'soft'; shape: MmEllipse; hu: number; inner: number; above: number }
  /** Paint nothing; only report the shape's pixel box under `tag`. */
  | { kind: 'mark'; shape: MmEllipse; tag: BoxTag };

export function circle(x: number, y: number, r: number): MmEllipse {
  return { x, y, rx: r, ry: r, angle: 0 };
}

/** A thin or thick bar between two points, as an ellipse whose long axis joins them. */
export function bar(x1: number, y1: number, x2: number, y2: number, thickness: number): MmEllipse {
  const dx = x2 - x1;
  const dy = y2 - y1;
  return {
    x: (x1 + x2) / 2,
    y: (y1 + y2) / 2,
    rx: Math.hypot(dx, dy) / 2,
    ry: thickness / 2,
    angle: Math.atan2(dy, dx),
  };
}

/** Side sign: the patient's left is +x. */
export function sideSign(side: Side): 1 | -1 {
  return side === 'left' ? 1 : -1;
}

export const SIDES: readonly Side[] = ['right', 'left'];
