/**
 * Bones at a depth: L5 and the sacrum, the iliac wings narrowing to the acetabula, the femoral heads, necks and
 * trochanters, the pubis and ischia, then the femoral shafts. Each bone is a cortical ellipse with a cancellous or
 * marrow ellipse inside it.
 */
import type { AnatomyParams } from './anatomy';
import { sampleKeys, type Key } from './curves';
import { trunkMuscle } from './outline';
import { bar, circle, sideSign, SIDES, type MmEllipse, type PaintOp } from './scene';
import type { Side } from '../../shared/phantom/groundTruth';

const CORTEX_MM = 1.6;

/** y of the centre of the L5 vertebral body: about 70 mm in front of the posterior muscle surface. */
export function vertebralBodyY(p: AnatomyParams): number {
  const m = trunkMuscle(p, 0);
  const posterior = m ? m.y + m.ry : p.pelvisHalfDepth - p.fat;
  return posterior - 70 * p.scale;
}

/** Centre of the femoral shaft (also used above the shaft, where the deep femoral vessels need a reference). */
export function femurCentre(p: AnatomyParams, side: Side, d: number): [number, number] {
  const s = p.scale;
  const sgn = sideSign(side);
  const { headCentre, range } = p.levels;
  const keys: Key[] = [
    [headCentre + 40 * s, p.hipSpan + 22 * s, p.hipY + 10 * s],
    [headCentre + 90 * s, p.thighCx + 2 * s, p.thighCy + 8 * s],
    [range, p.thighCx - 5 * s, p.thighCy + 9 * s],
  ];
  const [l = 0, y = 0] = sampleKeys(keys, d, []);
  return [sgn * l, y];
}

function pushBone(
  ops: PaintOp[],
  shape: MmEllipse,
  p: AnatomyParams,
  innerHu: number,
  cortex = CORTEX_MM,
): void {
  ops.push({ kind: 'fill', shape, hu: p.hu.cortex });
  const rx = shape.rx - cortex;
  const ry = shape.ry - cortex;
  if (rx > 0.3 && ry > 0.3) ops.push({ kind: 'fill', shape: { ...shape, rx, ry }, hu: innerHu });
}

export function pushBoneOps(p: AnatomyParams, d: number, ops: PaintOp[]): void {
  const s = p.scale;
  const L = p.levels;
  const vbY = vertebralBodyY(p);
  const m = trunkMuscle(p, d);
  const anteriorMuscle = m ? m.y - m.ry : -p.pelvisHalfDepth;

  // L5 vertebra, disc, posterior arch.
  if (d < 24 * s) {
    pushBone(ops, { x: 0, y: vbY, rx: 25 * s, ry: 19 * s, angle: 0 }, p, p.hu.cancellous);
    pushBone(ops, { x: 0, y: vbY + 30 * s, rx: 15 * s, ry: 12 * s, angle: 0 }, p, p.hu.cancellous, 3);
    ops.push({ kind: 'fill', shape: { x: 0, y: vbY + 29 * s, rx: 9 * s, ry: 7 * s, angle: 0 }, hu: 12 });
    pushBone(ops, bar(0, vbY + 40 * s, 0, vbY + 62 * s, 9 * s), p, p.hu.cancellous);
  } else if (d < 31 * s) {
    ops.push({ kind: 'fill', shape: { x: 0, y: vbY, rx: 25 * s, ry: 19 * s, angle: 0 }, hu: 85 });
  }

  // Sacrum: wide at the alae, tilting backwards and narrowing to the coccyx.
  if (d >= 28 * s && d < L.crotch - 25 * s) {
    const [y = 0, rx = 0, ry = 0] = sampleKeys(
      [
        [28 * s, vbY + 4 * s, 44 * s, 19 * s],
        [70 * s, vbY + 22 * s, 50 * s, 16 * s],
        [100 * s, vbY + 40 * s, 30 * s, 12 * s],
        [L.crotch - 25 * s, vbY + 52 * s, 12 * s, 7 * s],
      ],
      d,
      [],
    );
    pushBone(ops, { x: 0, y, rx, ry, angle: 0 }, p, p.hu.cancellous);
  }

  for (const side of SIDES) pushSideBones(p, side, d, vbY, anteriorMuscle, ops);
}

function pushSideBones(
  p: AnatomyParams,
  side: Side,
  d: number,
  vbY: number,
  anteriorMuscle: number,
  ops: PaintOp[],
): void {
  const s = p.scale;
  const L = p.levels;
  const sgn = sideSign(side);
  const H = p.hipSpan;
  const hipY = p.hipY;
  const am = trunkMuscle(p, 0)?.rx ?? p.pelvisHalfWidth - p.fat;

  // Ilium: a plate from the sacroiliac joint to the anterior superior spine, thickening into the acetabular roof.
  if (d < L.headCentre - 12 * s) {
    const [l1 = 0, y1 = 0, l2 = 0, y2 = 0, t = 0] = sampleKeys(
      [
        [0, 52 * s, vbY + 28 * s, 0.9 * am, vbY - 45 * s, 6 * s],
        [40 * s, 48 * s, vbY + 25 * s, 0.88 * am, vbY - 50 * s, 8 * s],
        [75 * s, 55 * s, vbY + 35 * s, 0.76 * am, vbY - 40 * s, 13 * s],
        [L.inguinal, H - 18 * s, hipY + 30 * s, H + 12 * s, hipY - 22 * s, 26 * s],
        [L.headCentre - 12 * s, H - 12 * s, hipY + 20 * s, H + 5 * s, hipY - 20 * s, 30 * s],
      ],
      d,
      [],
    );
    const wing = bar(sgn * l1, y1, sgn * l2, y2, t);
    // Iliacus lines the inner surface of the wing.
    const nx = -Math.sin(wing.angle);
    const ny = Math.cos(wing.angle);
    const inward = ny < 0 ? 1 : -1; // towards anterior
    ops.push({
      kind: 'fill',
      shape: {
        ...wing,
        x: wing.x + inward * nx * (t / 2 + 7 * s),
        y: wing.y + inward * ny * (t / 2 + 7 * s),
        rx: wing.rx * 0.8,
        ry: 9 * s,
      },
      hu: p.hu.muscle,
    });
    pushBone(ops, wing, p, p.hu.cancellous);
  }

  // Acetabulum, then the femoral neck and greater trochanter, then the head with its joint space on top of both.
  const headDz = d - L.headCentre;
  const inHeadRange = headDz > -p.headRadius - 4 * s && headDz < p.headRadius - 2 * s;
  const headR = Math.sqrt(Math.max(0, p.headRadius * p.headRadius - headDz * headDz));
  if (inHeadRange) {
    pushBone(
      ops,
      circle(sgn * (H - 5 * s), hipY + 2 * s, Math.max(headR, 8 * s) + 8 * s),
      p,
      p.hu.cancellous,
    );
  }
  if (headDz > -4 * s && headDz < 38 * s) {
    pushBone(ops, bar(sgn * H, hipY, sgn * (H + 40 * s), hipY + 12 * s, 26 * s), p, p.hu.cancellous * 0.8);
  }
  if (headDz > -12 * s && headDz < 50 * s) {
    pushBone(
      ops,
      { x: sgn * (H + 40 * s), y: hipY + 10 * s, rx: 18 * s, ry: 22 * s, angle: 0 },
      p,
      p.hu.cancellous * 0.8,
    );
  }
  if (inHeadRange && headR > 3) {
    ops.push({ kind: 'fill', shape: circle(sgn * H, hipY, headR + 1.8), hu: 15 });
    pushBone(ops, circle(sgn * H, hipY, headR), p, p.hu.cancellous * 0.9);
  }

  // Superior pubic ramus, then the symphysis and the inferior ramus to the ischial tuberosity.
  const symX = 11 * s;
  const symY = anteriorMuscle + 28 * s;
  if (headDz > -6 * s && headDz < 18 * s) {
    pushBone(ops, bar(sgn * (H - 22 * s), hipY - 14 * s, sgn * symX, symY, 13 * s), p, p.hu.cancellous);
  }
  if (headDz >= 14 * s && d < L.crotch - 4 * s) {
    pushBone(ops, { x: sgn * symX, y: symY, rx: 8 * s, ry: 15 * s, angle: sgn * 0.3 }, p, p.hu.cancellous);
  }
  if (headDz >= 24 * s && d < L.crotch + 6 * s) {
    pushBone(
      ops,
      bar(sgn * (symX + 2 * s), symY + 12 * s, sgn * (H - 22 * s), hipY + 38 * s, 11 * s),
      p,
      p.hu.cancellous,
    );
  }
  if (headDz > -12 * s && d < L.crotch + 10 * s) {
    const lower = Math.max(0, Math.min(1, (headDz + 12 * s) / (L.crotch + 10 * s - L.headCentre + 12 * s)));
    pushBone(
      ops,
      {
        x: sgn * (H - (16 + 8 * lower) * s),
        y: hipY + (32 + 8 * lower) * s,
        rx: 12 * s,
        ry: 18 * s,
        angle: 0,
      },
      p,
      p.hu.cancellous,
    );
  }

  // Femoral shaft: wider with a thinner cortex at the metaphysis, then a tube of 25–30 mm.
  if (headDz >= 40 * s) {
    const [fx, fy] = femurCentre(p, side, d);
    const metaphysis = Math.max(0, 1 - (headDz - 40 * s) / (35 * s));
    const r = p.femurRadius * (1 + 0.3 * metaphysis);
    const wall = p.femurWall * (1 - 0.5 * metaphysis);
    pushBone(ops, { x: fx, y: fy, rx: r, ry: r * 0.95, angle: 0 }, p, p.hu.marrow, wall);
    if (headDz < 62 * s) {
      // Lesser trochanter, posteromedial.
      pushBone(ops, circle(fx - sgn * r * 0.8, fy + r * 0.6, 7 * s), p, p.hu.cancellous * 0.8);
    }
  }
}
