/**
 * Test helper: writes a windowed slice as a PNG (grey levels, optional coloured box outlines) so a person can look at
 * the phantom. Not used by the app.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { HuImage, PixelBox } from '../../src/main/phantom/raster';

export interface ColouredBox {
  box: PixelBox;
  rgb: [number, number, number];
}

export function windowedPng(
  img: HuImage,
  level: number,
  width: number,
  boxes: readonly ColouredBox[] = [],
): PNG {
  const png = new PNG({ width: img.width, height: img.height });
  const lo = level - width / 2;
  for (let p = 0; p < img.data.length; p++) {
    const v = Math.max(0, Math.min(255, Math.round((((img.data[p] as number) - lo) / width) * 255)));
    png.data[p * 4] = v;
    png.data[p * 4 + 1] = v;
    png.data[p * 4 + 2] = v;
    png.data[p * 4 + 3] = 255;
  }
  const put = (x: number, y: number, rgb: [number, number, number]): void => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const o = (y * img.width + x) * 4;
    png.data[o] = rgb[0];
    png.data[o + 1] = rgb[1];
    png.data[o + 2] = rgb[2];
  };
  for (const { box, rgb } of boxes) {
    // Outline just outside the box so the boxed pixels stay visible.
    for (let x = box.x1 - 1; x <= box.x2; x++) {
      put(x, box.y1 - 1, rgb);
      put(x, box.y2, rgb);
    }
    for (let y = box.y1 - 1; y <= box.y2; y++) {
      put(box.x1 - 1, y, rgb);
      put(box.x2, y, rgb);
    }
  }
  return png;
}

export function writeWindowedPng(
  path: string,
  img: HuImage,
  level: number,
  width: number,
  boxes: readonly ColouredBox[] = [],
): void {
  writeFileSync(path, PNG.sync.write(windowedPng(img, level, width, boxes)));
}

/** Nearest-neighbour crop and enlargement, to look at small structures such as a thrombus. */
export function cropZoom(png: PNG, x: number, y: number, w: number, h: number, factor: number): PNG {
  const out = new PNG({ width: w * factor, height: h * factor });
  for (let oy = 0; oy < h * factor; oy++) {
    for (let ox = 0; ox < w * factor; ox++) {
      const sx = Math.min(png.width - 1, Math.max(0, x + Math.floor(ox / factor)));
      const sy = Math.min(png.height - 1, Math.max(0, y + Math.floor(oy / factor)));
      const si = (sy * png.width + sx) * 4;
      const oi = (oy * w * factor + ox) * 4;
      for (let c = 0; c < 4; c++) out.data[oi + c] = png.data[si + c] as number;
    }
  }
  return out;
}

/** Tiles images (all the same size) `perRow` to a row, each shrunk by `shrink` (box average). */
export function montage(images: readonly PNG[], perRow: number, shrink: number): PNG {
  const first = images[0];
  if (!first) throw new Error('montage of nothing');
  const tw = Math.floor(first.width / shrink);
  const th = Math.floor(first.height / shrink);
  const rows = Math.ceil(images.length / perRow);
  const out = new PNG({ width: tw * Math.min(perRow, images.length), height: th * rows });
  images.forEach((img, k) => {
    const ox = (k % perRow) * tw;
    const oy = Math.floor(k / perRow) * th;
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          for (let dy = 0; dy < shrink; dy++) {
            for (let dx = 0; dx < shrink; dx++) {
              sum += img.data[((y * shrink + dy) * img.width + x * shrink + dx) * 4 + c] as number;
            }
          }
          out.data[((oy + y) * out.width + ox + x) * 4 + c] = Math.round(sum / (shrink * shrink));
        }
      }
    }
  });
  return out;
}
