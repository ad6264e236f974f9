import type { SliceData } from '../../../shared/catalog/schemas';
import { synthesizeThreeSlice } from '../../../shared/imaging/threeSlice';
import {
  buildWindowLut,
  fillWindowLut,
  windowToRgba,
  type WindowLevel,
} from '../../../shared/imaging/window';

/**
 * Paints slices into a canvas at full resolution (one canvas pixel per image pixel; zoom and pan are
 * a CSS transform of the canvas). The ImageData and the window LUT are made once and reused, so
 * scrolling allocates no large arrays per frame.
 */
export class SliceRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private readonly lut = buildWindowLut({ level: 0, width: 1 });
  private lutFor: WindowLevel | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.ctx = ctx;
  }

  /** Paints one slice in grey under window `w`. */
  drawGrey(slice: SliceData, w: WindowLevel): void {
    const image = this.imageFor(slice);
    windowToRgba(slice.hu, this.windowLut(w), w, image.data);
    this.ctx.putImageData(image, 0, 0);
  }

  /** Paints the 3-slice image: slices z − 1, z, z + 1 windowed into R, G, B. */
  drawThreeSlice(prev: SliceData, cur: SliceData, next: SliceData, w: WindowLevel): void {
    const image = this.imageFor(cur);
    synthesizeThreeSlice(prev.hu, cur.hu, next.hu, this.windowLut(w), w, image.data);
    this.ctx.putImageData(image, 0, 0);
  }

  private windowLut(w: WindowLevel): Uint8Array {
    if (!this.lutFor || this.lutFor.level !== w.level || this.lutFor.width !== w.width) {
      fillWindowLut(this.lut, w);
      this.lutFor = w;
    }
    return this.lut;
  }

  private imageFor(slice: SliceData): ImageData {
    if (!this.image || this.image.width !== slice.cols || this.image.height !== slice.rows) {
      this.canvas.width = slice.cols;
      this.canvas.height = slice.rows;
      this.image = this.ctx.createImageData(slice.cols, slice.rows);
    }
    return this.image;
  }
}
