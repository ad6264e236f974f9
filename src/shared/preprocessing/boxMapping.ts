import type { DicomPixelBox } from '../reference/schemas';
import type { TileOrigin } from './tiling';

/**
 * A detection box from tile pixels back to the slice's DICOM pixel grid. Both grids use continuous
 * coordinates with the origin at the first pixel's top-left corner; under the half-pixel convention
 * of the resampling (pixel centre d + 0.5 ↔ (d + 0.5) / scale) an edge at resampled coordinate u lies
 * at u / scale in the original. The box is clipped to the image [0, imageWidth] × [0, imageHeight];
 * null when nothing is left (or the numbers are not finite).
 */
export function tileBoxToDicom(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  origin: TileOrigin,
  scaleX: number,
  scaleY: number,
  imageWidth: number,
  imageHeight: number,
): DicomPixelBox | null {
  const clip = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v);
  const box: DicomPixelBox = {
    space: 'dicom-pixel',
    x1: clip((x1 + origin.x) / scaleX, imageWidth),
    y1: clip((y1 + origin.y) / scaleY, imageHeight),
    x2: clip((x2 + origin.x) / scaleX, imageWidth),
    y2: clip((y2 + origin.y) / scaleY, imageHeight),
  };
  const finite = [box.x1, box.y1, box.x2, box.y2].every(Number.isFinite);
  return finite && box.x2 > box.x1 && box.y2 > box.y1 ? box : null;
}
