// Annotation benchmark: a workspace with 100,000 boxes over 200 cases (two readers, 500 boxes a case).
// Measures bulk insert through the annotations:create path, drawing single boxes, opening a case
// (annotations:list of one series), picking one slice's boxes for the overlay, and the case list.
//   node --import tsx bench/annotations.ts       (or runAnnotationBench() from bench/index.ts)
// The catalog rows (200 series × 60 slices of 512 × 512) are inserted directly: no DICOM is generated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHandlers, dispatch, type Handlers } from '../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../src/main/workspace/workspace';
import { boxesOnSlice, groupBoxesBySlice } from '../src/shared/annotation/geometry';
import type { AnnotationBox, NewBox } from '../src/shared/annotation/schemas';
import { decodeWire, encodeWire } from '../src/shared/ipc/wire';

const CASES = 200;
const SLICES = 60;
const SIZE = 512;
const BOXES_PER_CASE = 500;
const READERS = ['Reader A', 'Reader B'];
const FRAME_MS = 1000 / 60;

const uid = (...parts: number[]): string => ['1.2.826.0.1.3680043.10.999', ...parts].join('.');

function insertSyntheticCatalog(ws: Workspace): string[] {
  const seriesUids: string[] = [];
  ws.db.transaction(() => {
    for (let c = 0; c < CASES; c++) {
      const patientRef = ws.catalog.ensurePatient(`BENCH-${c}`, `BENCH^${c}`, '19600101', 'O');
      const studyUid = uid(1, c);
      const seriesUid = uid(2, c);
      ws.catalog.insertStudy({
        study_uid: studyUid,
        patient_ref: patientRef,
        study_date: '20260101',
        study_time: '',
        description: 'bench',
        accession: '',
      });
      ws.catalog.insertSeries({
        series_uid: seriesUid,
        study_uid: studyUid,
        modality: 'CT',
        description: 'bench series',
        series_number: 1,
        rows: SIZE,
        cols: SIZE,
        row_spacing: 0.8,
        col_spacing: 0.8,
        orientation: JSON.stringify([1, 0, 0, 0, 1, 0]),
        frame_of_reference_uid: null,
        window_center: 40,
        window_width: 400,
        slice_spacing: 5,
        ordered_by: 'position',
        warnings: '[]',
        hu_min: -1024,
        hu_max: 3071,
      });
      for (let s = 0; s < SLICES; s++) {
        ws.catalog.insertInstance({
          sop_uid: uid(3, c, s + 1),
          series_uid: seriesUid,
          file_path: `/bench/${c}/${s}.dcm`,
          file_size: 1,
          mtime_ms: 0,
          content_hash: '',
          transfer_syntax: null,
          instance_number: s + 1,
          pos_x: 0,
          pos_y: 0,
          pos_z: -5 * s,
          rescale_slope: 1,
          rescale_intercept: -1024,
          hu_min: -1024,
          hu_max: 3071,
          slice_index: s,
        });
      }
      seriesUids.push(seriesUid);
    }
  })();
  return seriesUids;
}

/** A case's boxes for one reader, spread over its slices (deterministic). */
function boxesFor(c: number, reader: number, n: number, from = 0): NewBox[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const slice = (k * 7 + reader) % SLICES;
    const x = (k * 37 + c * 11) % (SIZE - 60);
    const y = (k * 53 + reader * 29) % (SIZE - 60);
    return {
      sopInstanceUid: uid(3, c, slice + 1),
      label: 'DVT',
      box: { space: 'dicom-pixel', x1: x + 0.5, y1: y + 0.25, x2: x + 20 + (k % 40), y2: y + 15 + (k % 30) },
    } as NewBox;
  });
}

async function invoke(h: Handlers, channel: string, input: unknown): Promise<unknown> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

async function timeMs(runs: number, fn: () => unknown): Promise<{ first: number; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { first: times[0] ?? NaN, median: median(times) };
}

export async function runAnnotationBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dvt-bench-annotations-'));
  const ws = openWorkspace(join(dir, 'ws'));
  try {
    const seriesUids = insertSyntheticCatalog(ws);
    const h = createHandlers(ws);
    const readerIds: number[] = [];
    for (const name of READERS)
      readerIds.push(((await invoke(h, 'readers:add', { name })) as { id: number }).id);

    // Bulk insert: one annotations:create call per case and reader (250 boxes each), all through dispatch.
    const perCall = BOXES_PER_CASE / READERS.length;
    let inserted = 0;
    const tBulk = performance.now();
    for (let c = 0; c < CASES; c++) {
      for (const [r, readerId] of readerIds.entries()) {
        const boxes = boxesFor(c, r, perCall);
        await invoke(h, 'annotations:create', { seriesUid: seriesUids[c], readerId, boxes });
        inserted += boxes.length;
      }
    }
    const bulkMs = performance.now() - tBulk;

    // Drawing: single-box creates, as the box tool sends them (into an extra reader, not counted above).
    const drawer = ((await invoke(h, 'readers:add', { name: 'Drawer' })) as { id: number }).id;
    let drawn = 0;
    const draw = await timeMs(500, () =>
      invoke(h, 'annotations:create', {
        seriesUid: seriesUids[CASES - 1],
        readerId: drawer,
        boxes: boxesFor(CASES - 1, 3, 1, drawn++),
      }),
    );
    const singleIds = (
      (await invoke(h, 'annotations:list', { seriesUid: seriesUids[CASES - 1] })) as AnnotationBox[]
    )
      .filter((b) => b.readerId === drawer)
      .map((b) => b.id);
    let n = 0;
    const move = await timeMs(500, () =>
      invoke(h, 'annotations:update', {
        readerId: drawer,
        id: singleIds[n++ % singleIds.length],
        box: { space: 'dicom-pixel', x1: 10, y1: 10 + (n % 50), x2: 40, y2: 60 + (n % 50) },
      }),
    );
    await invoke(h, 'annotations:delete', { readerId: drawer, ids: singleIds });

    const total = Number(
      ws.db.prepare('SELECT count(*) AS n FROM annotation_boxes WHERE deleted_at IS NULL').pluck().get(),
    );
    // Open a case: every reader's boxes of one series, in the middle of the workspace.
    const caseUid = seriesUids[CASES >> 1];
    let list: AnnotationBox[] = [];
    const open = await timeMs(50, async () => {
      list = (await invoke(h, 'annotations:list', { seriesUid: caseUid })) as AnnotationBox[];
    });
    const wire = await timeMs(50, () => decodeWire(encodeWire(list)));
    // The overlay's work when the slice changes: pick that slice's boxes from the open case's list.
    let picked = 0;
    const pickRuns: number[] = [];
    for (let r = 0; r < 20; r++) {
      for (let s = 0; s < SLICES; s++) {
        const t = performance.now();
        picked += boxesOnSlice(list, s).length;
        pickRuns.push(performance.now() - t);
      }
    }
    const group = await timeMs(50, () => groupBoxesBySlice(list));
    const cases = await timeMs(20, () => invoke(h, 'cases:list', {}));

    const rows: [string, string, string][] = [
      [
        `bulk insert (annotations:create, ${perCall} boxes a call)`,
        `${(inserted / (bulkMs / 1000)).toFixed(0)} boxes/s`,
        `${(bulkMs / 1000).toFixed(2)} s for ${inserted}`,
      ],
      ['draw one box (annotations:create, 1 box)', `${draw.median.toFixed(3)} ms`, 'median of 500'],
      ['move one box (annotations:update)', `${move.median.toFixed(3)} ms`, 'median of 500'],
      [
        `open a case (annotations:list, ${list.length} boxes)`,
        `${open.median.toFixed(2)} ms`,
        `first ${open.first.toFixed(2)} ms`,
      ],
      ['  + harness wire (encode + decode JSON)', `${wire.median.toFixed(2)} ms`, 'median of 50'],
      [
        "one slice's boxes (boxesOnSlice)",
        `${(median(pickRuns) * 1000).toFixed(1)} µs`,
        `~${(picked / pickRuns.length).toFixed(1)} boxes/slice`,
      ],
      [
        'group the case by slice (groupBoxesBySlice)',
        `${(group.median * 1000).toFixed(1)} µs`,
        'median of 50',
      ],
      [
        `case list (cases:list, ${CASES} cases)`,
        `${cases.median.toFixed(2)} ms`,
        `first ${cases.first.toFixed(2)} ms`,
      ],
    ];
    const w = [Math.max(...rows.map((r) => r[0].length)), 16, 22];
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
    const openAndDraw = open.median + median(pickRuns);
    return [
      `\nAnnotations: ${total} live boxes over ${CASES} cases (${SLICES} slices of ${SIZE}×${SIZE}, ${READERS.length} readers)\n`,
      line(['what', 'time / rate', 'note']),
      `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`,
      ...rows.map(line),
      `\nGoal: open a case and draw one slice's overlay within one 60 Hz frame (${FRAME_MS.toFixed(1)} ms): ` +
        `${openAndDraw.toFixed(2)} ms (${openAndDraw < FRAME_MS ? 'met' : 'NOT met'}).`,
    ].join('\n');
  } finally {
    await ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runAnnotationBench());
}
