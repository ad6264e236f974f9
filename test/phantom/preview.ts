/**
 * Renders chosen slices of a synthetic patient to PNG for a visual check:
 *   npx tsx test/phantom/preview.ts SEED PATIENT_INDEX SLICE[,SLICE…] [OUT_PREFIX] [--boxes] [--slices N]
 * --zoom X,Y,W,H crops and enlarges 4×. Window level 140, width 400 (the paper's) unless --level/--width say otherwise. Writes OUT_PREFIX-<slice>.png (default /tmp/phantom).
 */
import { createNoiseTable } from '../../src/main/phantom/noise';
import { planPatient } from '../../src/main/phantom/patient';
import { deriveSeed } from '../../src/main/phantom/prng';
import { createSliceBuffers, renderPatientSlice } from '../../src/main/phantom/renderSlice';
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { cropZoom, windowedPng, type ColouredBox } from './pngPreview';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !['--slices', '--level', '--width', '--zoom'].includes(args[i - 1] ?? ''));
const seed = Number(positional[0] ?? 1);
const index = Number(positional[1] ?? 0);
const slices = (positional[2] ?? '30').split(',').map(Number);
const prefix = positional[3] ?? '/tmp/phantom';
const sliceCount = Number(option('--slices') ?? 60);
const hasDvt = !flag('--no-dvt');
const level = Number(option('--level') ?? 140);
const width = Number(option('--width') ?? 400);

const model = planPatient({ cohortSeed: seed, index, hasDvt, position: 'HFS', sliceCount });
console.log(
  JSON.stringify(
    {
      fov: model.fovMm,
      spacing: model.mapping.spacing,
      scale: model.anatomy.scale,
      fat: model.anatomy.fat,
      noise: model.anatomy.noiseSigma,
      levels: model.anatomy.levels,
      thrombi: model.plan.thrombi.map((t) => ({ side: t.side, group: t.group, first: t.first, last: t.last, kind: t.kind })),
      mimics: model.plan.mimics.map((m) => ({ kind: m.kind, side: m.side, first: m.first, last: m.last })),
    },
    null,
    1,
  ),
);
const noise = createNoiseTable(deriveSeed(seed, 'noise'));
const buffers = createSliceBuffers(512);
const colours: Record<string, [number, number, number]> = { vein: [0, 120, 255], DVT: [255, 0, 0], mimic: [255, 200, 0] };
for (const s of slices) {
  const boxes = renderPatientSlice(model, s, buffers, { noise, cohortSeed: seed });
  const drawn: ColouredBox[] = flag('--boxes') ? boxes.map((b) => ({ box: b.box, rgb: colours[b.tag.label] ?? [0, 255, 0] })) : [];
  const path = `${prefix}-${s}.png`;
  const png = windowedPng(buffers.img, level, width, drawn);
  const zoom = option('--zoom')?.split(',').map(Number);
  const [zx = 0, zy = 0, zw = 128, zh = 128] = zoom ?? [];
  writeFileSync(path, PNG.sync.write(zoom ? cropZoom(png, zx, zy, zw, zh, 4) : png));
  console.log(path, 'depth', model.depths[s]?.toFixed(1), boxes.map((b) => `${b.tag.label}:${JSON.stringify(b.box)}`).join(' '));
}
