/**
 * Renders slices of one synthetic patient to PNG for a visual check (not part of the app or the tests):
 *
 *   npx tsx test/phantom/preview.ts SEED PATIENT_INDEX SLICES [OUT_PREFIX] [options]
 *
 * SLICES is a comma list of anatomical slice indices. Writes OUT_PREFIX-<slice>.png (default /tmp/phantom), or with
 * --montage one OUT_PREFIX-montage.png of all listed slices at half size, four per row.
 * Options: --level L --width W (default 140 / 400, the paper's window), --boxes (vein blue, DVT red, mimic yellow),
 * --zoom X,Y,W,H (crop and enlarge 4×), --slices N (slices per patient, default 60), --no-dvt.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { createNoiseTable } from '../../src/main/phantom/noise';
import { planPatient } from '../../src/main/phantom/patient';
import { deriveSeed } from '../../src/main/phantom/prng';
import { createSliceBuffers, renderPatientSlice } from '../../src/main/phantom/renderSlice';
import { cropZoom, montage, windowedPng, type ColouredBox } from './pngPreview';

const args = process.argv.slice(2);
const VALUE_OPTIONS = ['--slices', '--level', '--width', '--zoom'];
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !VALUE_OPTIONS.includes(args[i - 1] ?? ''));
const seed = Number(positional[0] ?? 1);
const index = Number(positional[1] ?? 0);
const slices = (positional[2] ?? '30').split(',').map(Number);
const prefix = positional[3] ?? '/tmp/phantom';
const sliceCount = Number(option('--slices') ?? 60);
const level = Number(option('--level') ?? 140);
const width = Number(option('--width') ?? 400);
const zoom = option('--zoom')?.split(',').map(Number);

const model = planPatient({
  cohortSeed: seed,
  index,
  hasDvt: !flag('--no-dvt'),
  position: 'HFS',
  sliceCount,
});
console.log(
  JSON.stringify({
    fovMm: model.fovMm,
    scale: Number(model.anatomy.scale.toFixed(2)),
    fatMm: Number(model.anatomy.fat.toFixed(1)),
    noiseSigma: Number(model.anatomy.noiseSigma.toFixed(1)),
    thrombi: model.plan.thrombi.map((t) => `${t.id} ${t.side} ${t.group} ${t.kind} ${t.first}-${t.last}`),
    mimics: model.plan.mimics.map((m) => `${m.id} ${m.kind} ${m.side} ${m.group} ${m.first}-${m.last}`),
  }),
);
const noise = createNoiseTable(deriveSeed(seed, 'noise'));
const buffers = createSliceBuffers(512);
const colours: Record<string, [number, number, number]> = {
  vein: [0, 120, 255],
  DVT: [255, 0, 0],
  mimic: [255, 200, 0],
};
const pngs: PNG[] = [];
for (const s of slices) {
  const boxes = renderPatientSlice(model, s, buffers, { noise, cohortSeed: seed });
  const drawn: ColouredBox[] = flag('--boxes')
    ? boxes.map((b) => ({ box: b.box, rgb: colours[b.tag.label] ?? [0, 255, 0] }))
    : [];
  let png = windowedPng(buffers.img, level, width, drawn);
  if (zoom) png = cropZoom(png, zoom[0] ?? 0, zoom[1] ?? 0, zoom[2] ?? 128, zoom[3] ?? 128, 4);
  if (flag('--montage')) {
    pngs.push(png);
    continue;
  }
  const path = `${prefix}-${s}.png`;
  writeFileSync(path, PNG.sync.write(png));
  const labels = boxes
    .map((b) => `${b.tag.label}[${b.box.x1},${b.box.y1},${b.box.x2},${b.box.y2}]`)
    .join(' ');
  console.log(path, `depth ${model.depths[s]?.toFixed(1)} mm`, labels);
}
if (flag('--montage')) {
  const path = `${prefix}-montage.png`;
  writeFileSync(path, PNG.sync.write(montage(pngs, 4, 2)));
  console.log(path);
}
