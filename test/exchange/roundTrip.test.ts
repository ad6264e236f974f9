// Export and import on real workspaces: two readers' boxes, case states and folds in workspace A are
// exported in every format and imported into workspace B holding the same DICOM files; the boxes must
// come back as they were (exactly for native and COCO, to whole pixels for CSV and VOC, to float32 for
// SR). Bad imports are refused whole, naming the place.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { exportAnnotations } from '../../src/main/exchange/exportService';
import { importAnnotations, type ImportReport } from '../../src/main/exchange/importAnnotations';
import { readImportFile } from '../../src/main/exchange/readImportFile';
import { importPaths } from '../../src/main/import/importPaths';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { Reader } from '../../src/shared/annotation/schemas';
import { cocoToEvalInput } from '../../src/shared/evaluation/coco';
import type { ExportRequestInput } from '../../src/shared/exchange/exportRequest';
import { annotationWorkspace, call, type AnnotationFixture } from '../annotation/fixture';

let fx: AnnotationFixture;
let wsB: Workspace;
let drA: Reader;
let drB: Reader;
const out = (name: string): string => join(fx.root, 'exports', name);

const box = (x1: number, y1: number, x2: number, y2: number) => ({
  space: 'dicom-pixel' as const,
  x1,
  y1,
  x2,
  y2,
});

interface StoredBox {
  reader: string;
  sop: string;
  label: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function liveBoxes(ws: Workspace, reader?: string): StoredBox[] {
  const rows = ws.db
    .prepare(
      `SELECT r.name AS reader, b.sop_uid AS sop, b.label, b.x1, b.y1, b.x2, b.y2
         FROM annotation_boxes b JOIN readers r ON r.id = b.reader_id
        WHERE b.deleted_at IS NULL ORDER BY r.name, b.sop_uid, b.x1, b.y1`,
    )
    .all() as StoredBox[];
  return reader === undefined ? rows : rows.filter((r) => r.reader.toLowerCase() === reader.toLowerCase());
}

function clearBoxes(ws: Workspace): void {
  ws.db.exec('DELETE FROM annotation_history; DELETE FROM annotation_boxes; DELETE FROM case_states;');
}

const run = (request: Omit<ExportRequestInput, 'outDir'>, name: string) =>
  exportAnnotations(fx.ws.db, fx.ws.catalog, { ...request, outDir: out(name) });

const importInto = (ws: Workspace, path: string, reader?: string): ImportReport =>
  importAnnotations(ws.db, readImportFile(path), reader !== undefined ? { reader } : {});

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  const h = fx.handlers;
  await call(h, 'labels:set', { labels: ['DVT', 'lymph node'] });
  drA = await call(h, 'readers:add', { name: 'Dr Alice Able' });
  drB = await call(h, 'readers:add', { name: 'Dr Bob Baker' });
  const [s0, s1] = fx.series;
  await call(h, 'annotations:create', {
    seriesUid: s0!.uid,
    readerId: drA.id,
    boxes: [
      { sopInstanceUid: s0!.sops[2]!, label: 'DVT', box: box(100.25, 100.5, 140.75, 130.125) },
      { sopInstanceUid: s0!.sops[2]!, label: 'lymph node', box: box(300, 300, 320, 330) },
      { sopInstanceUid: s0!.sops[3]!, label: 'DVT', box: box(101.5, 99.25, 141, 131) },
    ],
  });
  await call(h, 'annotations:create', {
    seriesUid: s1!.uid,
    readerId: drA.id,
    boxes: [{ sopInstanceUid: s1!.sops[5]!, label: 'DVT', box: box(200, 210, 230, 240) }],
  });
  await call(h, 'annotations:create', {
    seriesUid: s0!.uid,
    readerId: drB.id,
    boxes: [
      { sopInstanceUid: s0!.sops[4]!, label: 'DVT', box: box(50, 50, 90, 90) },
      { sopInstanceUid: s0!.sops[0]!, label: 'DVT', box: box(0, 0, 12, 512) },
    ],
  });
  await call(h, 'cases:set', {
    seriesUid: s0!.uid,
    readerId: drA.id,
    status: 'done',
    call: 'present',
    note: 'Patient PHANTOM says hello',
  });
  await call(h, 'folds:assign', { k: 2, seed: 7 });

  // Workspace B holds the same DICOM files and nothing else.
  wsB = openWorkspace(join(fx.root, 'wsB'));
  const report = await importPaths(wsB.catalog, [join(fx.root, 'cohort')]);
  expect(report.errors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await wsB?.close();
  await fx?.ws.close();
  if (fx) rmSync(fx.root, { recursive: true, force: true });
});

describe('native annotation set', () => {
  it('round-trips boxes, case states and folds exactly', async () => {
    const result = await run({ format: 'native', deidentify: false }, 'native');
    expect(result).toMatchObject({ format: 'native', deidentified: false, boxes: 6, series: 2, patients: 2 });
    const file = join(out('native'), 'annotations.json');
    const report = importInto(wsB, file);
    expect(report.boxes).toEqual({ added: 6, alreadyPresent: 0 });
    expect(report.readers.map((r) => r.name).sort()).toEqual(['Dr Alice Able', 'Dr Bob Baker']);
    expect(report.labelsAdded).toEqual(['lymph node']);
    expect(report.folds).toBe('stored');
    expect(liveBoxes(wsB)).toEqual(liveBoxes(fx.ws));
    const caseOf = (ws: Workspace) =>
      ws.db
        .prepare(
          'SELECT c.status, c.patient_call, c.note, c.updated_at FROM case_states c JOIN readers r ON r.id = c.reader_id WHERE r.name = ? ORDER BY c.series_uid',
        )
        .all('Dr Alice Able');
    expect(caseOf(wsB)).toEqual(caseOf(fx.ws));
    const folds = (ws: Workspace) =>
      ws.db.prepare('SELECT patient_id, fold FROM patient_folds ORDER BY patient_id').all();
    expect(folds(wsB)).toEqual(folds(fx.ws));
    // Created and updated times come back too.
    const times = (ws: Workspace) =>
      ws.db.prepare('SELECT created_at, updated_at FROM annotation_boxes ORDER BY sop_uid, x1, y1').all();
    expect(times(wsB)).toEqual(times(fx.ws));

    // The same file again changes nothing.
    const again = importInto(wsB, file);
    expect(again.boxes).toEqual({ added: 0, alreadyPresent: 6 });
    expect(liveBoxes(wsB)).toHaveLength(6);
    clearBoxes(wsB);
  });

  it('de-identified: pseudonyms in the file, mapped back on import into the same workspace', async () => {
    const result = await run({ format: 'native' }, 'native-deid');
    expect(result.deidentified).toBe(true);
    expect(result.notesDropped).toBe(1);
    const file = join(out('native-deid'), 'annotations.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('Dr Alice Able');
    expect(text).not.toContain(fx.series[0]!.uid);
    expect(text).toContain('ANON-0001');
    // Another workspace cannot place pseudonymous slices: refused whole, naming the place.
    expect(() => importInto(wsB, file)).toThrow(/boxes\[0\]: slice 2\.25\.\d+ is not in this workspace/);
    expect(liveBoxes(wsB)).toEqual([]);
    // The exporting workspace maps the pseudonyms back to its own slices and readers.
    const before = liveBoxes(fx.ws);
    fx.ws.db.exec("UPDATE case_states SET status = 'in-progress'");
    fx.ws.db.exec("UPDATE annotation_boxes SET deleted_at = '2026-01-01T00:00:00.000Z'");
    const report = importInto(fx.ws, file);
    expect(report.boxes.added).toBe(6);
    expect(report.readers.every((r) => !r.created)).toBe(true);
    expect(liveBoxes(fx.ws)).toEqual(before);
    // Stable: a second de-identified export uses the same pseudonyms.
    await run({ format: 'native' }, 'native-deid-2');
    const second = readFileSync(join(out('native-deid-2'), 'annotations.json'), 'utf8');
    const ids = (t: string) => [...t.matchAll(/"(2\.25\.\d+|ANON-\d+|Reader-\d+)"/g)].map((m) => m[1]).sort();
    expect(ids(second)).toEqual(ids(text));
  });
});

describe('native annotation set with runs', () => {
  it('carries a model run and its predictions; refused until the model is registered, then exact', async () => {
    const model = resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx');
    const { model: m } = await call(fx.handlers, 'models:add', { path: model });
    await call(fx.handlers, 'inference:start', {
      modelIds: [m.id],
      seriesUids: [fx.series[1]!.uid],
      params: { provider: 'cpu', stride: 128 },
    });
    await fx.ws.inference.whenIdle();
    const [stored] = await call(fx.handlers, 'runs:list', { seriesUid: fx.series[1]!.uid });
    expect(stored!.status).toBe('done');
    await run({ format: 'native', deidentify: false, runs: 'all', readers: [] }, 'native-runs');
    const file = join(out('native-runs'), 'annotations.json');
    expect(() => importInto(wsB, file)).toThrow(
      /runs\[0\]: model "tiny-tv-raw-3slice" \(sha256 [0-9a-f]{12}…\) is not registered here/,
    );
    await wsB.inference.addModel(model);
    const report = importInto(wsB, file);
    expect(report.runs).toEqual({ added: 1, alreadyPresent: 0, predictions: stored!.predictionCount });
    const predictions = (ws: Workspace) =>
      ws.db
        .prepare('SELECT sop_uid, slice_index, label, score, x1, y1, x2, y2 FROM predictions ORDER BY id')
        .all();
    expect(predictions(wsB)).toEqual(predictions(fx.ws));
    const [imported] = wsB.inference.runs.list({});
    expect(imported).toMatchObject({
      status: 'done',
      modelSha256: stored!.modelSha256,
      seriesUid: stored!.seriesUid,
      params: stored!.params,
      providerUsed: stored!.providerUsed,
      startedAt: stored!.startedAt,
      finishedAt: stored!.finishedAt,
    });
    expect(importInto(wsB, file).runs).toEqual({ added: 0, alreadyPresent: 1, predictions: 0 });
  }, 120_000);
});

describe('COCO', () => {
  it('round-trips one reader, and the evaluator reads the file', async () => {
    const result = await run(
      { format: 'coco', readers: ['dr alice able'], deidentify: false, slices: 'all' },
      'coco',
    );
    expect(result.images).toBe(20);
    const file = join(out('coco'), 'annotations.json');
    const coco = JSON.parse(readFileSync(file, 'utf8')) as {
      images: { sop_instance_uid: string; file_name: string }[];
    };
    expect(coco.images[0]!.sop_instance_uid).toBe(fx.series[0]!.sops[0]);
    const png = PNG.sync.read(readFileSync(join(out('coco'), coco.images[0]!.file_name)));
    expect([png.width, png.height]).toEqual([512, 512]);
    const input = cocoToEvalInput(JSON.parse(readFileSync(file, 'utf8')), []);
    expect(input.images).toHaveLength(20);
    expect(input.groundTruth.image.length).toBe(4);

    const report = importInto(wsB, file);
    expect(report.boxes.added).toBe(4);
    const back = liveBoxes(wsB);
    const sent = liveBoxes(fx.ws, 'Dr Alice Able');
    expect(back).toHaveLength(sent.length);
    back.forEach((b, i) => {
      expect(b.reader).toBe('Dr Alice Able');
      expect(b.sop).toBe(sent[i]!.sop);
      expect(b.label).toBe(sent[i]!.label);
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(b[k]).toBeCloseTo(sent[i]![k], 9);
    });
    clearBoxes(wsB);
  });
});

describe('keras-retinanet CSV and Pascal VOC', () => {
  it('CSV: whole-pixel boxes round-trip exactly, others as their enclosing whole-pixel box', async () => {
    const result = await run(
      { format: 'csv', readers: ['Dr Bob Baker'], deidentify: false, slices: 'all' },
      'csv',
    );
    expect(result.images).toBe(10);
    const csv = readFileSync(join(out('csv'), 'annotations.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv.filter((l) => l.endsWith(',,,,,'))).toHaveLength(8);
    expect(readFileSync(join(out('csv'), 'classes.csv'), 'utf8')).toBe('DVT,0\nlymph node,1\n');
    const report = importInto(wsB, join(out('csv'), 'annotations.csv'), 'Dr Bob Baker');
    expect(report.boxes.added).toBe(2);
    expect(liveBoxes(wsB)).toEqual(liveBoxes(fx.ws, 'Dr Bob Baker'));
    clearBoxes(wsB);

    await run({ format: 'csv', readers: ['Dr Alice Able'], deidentify: false, slices: 'annotated' }, 'csv-a');
    importInto(wsB, join(out('csv-a'), 'annotations.csv'), 'Dr Alice Able');
    const enclosing = liveBoxes(fx.ws, 'Dr Alice Able').map((b) => ({
      ...b,
      x1: Math.floor(b.x1),
      y1: Math.floor(b.y1),
      x2: Math.ceil(b.x2),
      y2: Math.ceil(b.y2),
    }));
    expect(liveBoxes(wsB)).toEqual(enclosing);
    clearBoxes(wsB);
  });

  it('VOC: one XML per slice, whole-pixel boxes round-trip exactly', async () => {
    const result = await run(
      {
        format: 'voc',
        readers: ['Dr Bob Baker'],
        deidentify: false,
        slices: 'annotated',
        imageInput: '1slice',
      },
      'voc',
    );
    expect(result.images).toBe(2);
    const xmls = readdirSync(join(out('voc'), 'Annotations'));
    expect(xmls).toHaveLength(2);
    const xml = readFileSync(join(out('voc'), 'Annotations', xmls[0]!), 'utf8');
    expect(xml).toContain('<depth>1</depth>');
    expect(
      PNG.sync.read(readFileSync(join(out('voc'), 'images', xmls[0]!.replace('.xml', '.png')))).width,
    ).toBe(512);
    const report = importInto(wsB, out('voc'), 'Dr Bob Baker');
    expect(report.boxes.added).toBe(2);
    expect(liveBoxes(wsB)).toEqual(liveBoxes(fx.ws, 'Dr Bob Baker'));
    clearBoxes(wsB);
  });

  it('refuses a file with several readers in a one-reader format', async () => {
    await expect(run({ format: 'csv', readers: 'all', deidentify: false }, 'csv-all')).rejects.toThrow(
      /choose one/,
    );
    expect(() => statSync(out('csv-all'))).toThrow();
  });
});

describe('DICOM SR', () => {
  it('round-trips every reader of every series through TID 1500 reports', async () => {
    const result = await run({ format: 'sr', deidentify: false }, 'sr');
    expect(result.files).toBe(3); // Dr Alice on both series, Dr Bob on the first
    const dir = join(out('sr'), 'sr');
    let added = 0;
    for (const f of readdirSync(dir)) added += importInto(wsB, join(dir, f)).boxes.added;
    expect(added).toBe(6);
    expect(liveBoxes(wsB)).toEqual(liveBoxes(fx.ws));
    clearBoxes(wsB);
  });
});

describe('bad imports change nothing', () => {
  it('names the place of every problem and stores nothing', async () => {
    await run(
      { format: 'coco', readers: ['Dr Alice Able'], deidentify: false, slices: 'annotated' },
      'coco-bad',
    );
    const file = join(out('coco-bad'), 'annotations.json');
    const coco = JSON.parse(readFileSync(file, 'utf8')) as { images: { sop_instance_uid: string }[] };
    coco.images[1]!.sop_instance_uid = '1.2.3.4.5';
    writeFileSync(file, JSON.stringify(coco));
    const counts = () =>
      wsB.db
        .prepare('SELECT (SELECT count(*) FROM readers) AS r, (SELECT count(*) FROM annotation_labels) AS l')
        .get();
    const before = counts();
    expect(() => importInto(wsB, file, 'New Reader')).toThrow(
      /annotations\[\d\]: slice 1\.2\.3\.4\.5 is not in this workspace/,
    );
    expect(liveBoxes(wsB)).toEqual([]);
    expect(counts()).toEqual(before);

    const csv = join(fx.root, 'bad.csv');
    writeFileSync(join(fx.root, 'classes.csv'), 'DVT,0\n');
    writeFileSync(csv, `images/${fx.series[0]!.sops[1]}.png,1,2,30,40,DVT\nimages/x.png,1,2,3\n`);
    expect(() => readImportFile(csv)).toThrow(/bad\.csv: line 2: expected "path,x1,y1,x2,y2,class_name"/);
    writeFileSync(csv, `images/${fx.series[0]!.sops[1]}.png,1,2,30,40,thrombus\n`);
    expect(() => readImportFile(csv)).toThrow(/line 1: class "thrombus" is not in the classes file/);
    writeFileSync(csv, `images/${fx.series[0]!.sops[1]}.png,1,2,3000,40,DVT\n`);
    expect(() => importInto(wsB, csv, 'X')).toThrow(/line 1: box .* lies outside the 512×512 image/);

    const native = join(fx.root, 'future.json');
    writeFileSync(native, JSON.stringify({ format: 'dvt-annotation-set', version: 99 }));
    expect(() => readImportFile(native)).toThrow(
      /future\.json: version 99 was written by a newer DVT Workstation/,
    );
    writeFileSync(native, '{ not json');
    expect(() => readImportFile(native)).toThrow(/future\.json: not JSON/);
    expect(liveBoxes(wsB)).toEqual([]);
  });

  it('a box in a case the reader marked done is refused', async () => {
    await run({ format: 'native', readers: ['Dr Alice Able'], deidentify: false }, 'native-lock');
    fx.ws.db.exec("UPDATE case_states SET status = 'done'");
    clearBoxes(wsB);
    importInto(wsB, join(out('native'), 'annotations.json'));
    // B now has Dr Alice's case done: importing more boxes into it is refused.
    fx.ws.db.exec('UPDATE annotation_boxes SET x1 = x1 + 1 WHERE x1 < 200');
    await run(
      { format: 'coco', readers: ['Dr Alice Able'], deidentify: false, slices: 'annotated' },
      'coco-lock',
    );
    const before = liveBoxes(wsB);
    expect(() => importInto(wsB, join(out('coco-lock'), 'annotations.json'))).toThrow(/is done; reopen it/);
    expect(liveBoxes(wsB)).toEqual(before);
    clearBoxes(wsB);
  });
});
