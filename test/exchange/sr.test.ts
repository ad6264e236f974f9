/**
 * DICOM SR exchange end to end: a hand-made annotation set written as TID 1500 reports, checked by
 * dicom3tools' dciodvfy and pydicom, read back exactly, read as another program would write it (edited
 * by pydicom), and refused with the file's name when it is not such a report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { findingForLabel, labelForFinding } from '../../src/main/exchange/sr/codes';
import {
  COMPREHENSIVE_SR_STORAGE,
  newUid,
  readSr,
  writeSeriesSr,
  type SrWriteOptions,
} from '../../src/main/exchange/sr';
import { createCtSeriesWriter, CT_IMAGE_STORAGE } from '../../src/main/phantom/dicomWriter';
import type { CtSeriesHeader } from '../../src/main/phantom/ctHeader';
import { AnnotationSet, type SetBox } from '../../src/shared/exchange/annotationSet';
import type { ImportBox } from '../../src/shared/exchange/importBatch';

const DCIODVFY = '/usr/bin/dciodvfy';
const PYTHON = '/usr/bin/python3';
const PYDICOM_SR = join(import.meta.dirname, '../fixtures/exchange/sr/pydicom_sr.py');

/**
 * What dciodvfy may still say about our reports (anything else fails the test, errors always do):
 * - Study ID is empty (type 2; the set does not carry the images' Study ID), which only a DICOMDIR needs;
 * - "99DVT" is not a coding scheme it knows: it is our private one, declared in the Coding Scheme
 *   Identification Sequence, used for labels other than DVT and for the exact-corners TEXT item.
 */
const ALLOWED_WARNINGS = [
  /^Warning - Missing attribute or value that would be needed to build DICOMDIR - Study ID$/,
  /^Warning - Unrecognized defined term <99DVT> for value 1 of attribute <Coding Scheme Designator>$/,
];

const S1 = '2.25.1001';
const S2 = '2.25.2001';
const sop = (series: string, i: number): string => `${series}.${i + 1}`;
const slices = (series: string, n: number): { index: number; sopInstanceUid: string }[] =>
  Array.from({ length: n }, (_, index) => ({ index, sopInstanceUid: sop(series, index) }));

let minute = 0;
function box(reader: string, series: string, sliceIndex: number, label: string, c: number[]): SetBox {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = c;
  minute++;
  return {
    reader,
    seriesInstanceUid: series,
    sopInstanceUid: sop(series, sliceIndex),
    sliceIndex,
    label,
    box: { space: 'dicom-pixel', x1, y1, x2, y2 },
    createdAt: `2024-05-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    updatedAt: `2024-05-01T11:${String(minute).padStart(2, '0')}:30.250Z`,
  };
}

const KIM = 'Dr Kim';
const MUELLER = 'Dr Müller';
// Dr Kim on S1, in the order the report lists them (by slice, then as the set has them).
const kimOnS1 = [
  box(KIM, S1, 1, 'DVT', [100, 200, 133.3, 210 + 1 / 3]),
  box(KIM, S1, 2, 'DVT', [10.25, 20.3, 40, 50.123456789]),
  box(KIM, S1, 2, 'lymph node', [300.5, 310.75, 320, 330.125]),
];

const seriesOf = (
  uid: string,
  study: string,
  patientId: string,
  n: number,
): AnnotationSet['series'][number] => ({
  seriesInstanceUid: uid,
  studyInstanceUid: study,
  patientId,
  studyDate: '20240102',
  studyTime: '093000',
  accessionNumber: `ACC${patientId}`,
  studyDescription: 'CTA LOWER EXTREMITY',
  frameOfReferenceUid: `${study}.9`,
  sopClassUid: CT_IMAGE_STORAGE,
  modality: 'CT',
  description: 'venous 5mm',
  rows: 512,
  cols: 512,
  pixelSpacingMm: [0.7, 0.7],
  slices: slices(uid, n),
});

const SET = AnnotationSet.parse({
  format: 'dvt-annotation-set',
  version: 1,
  exportedAt: '2024-06-01T12:00:00.000Z',
  generator: 'DVT Workstation 0.1.0',
  deidentified: false,
  labels: ['DVT', 'lymph node'],
  readers: [{ name: KIM }, { name: MUELLER }, { name: 'Dr Lee' }],
  folds: null,
  patients: [
    { id: 'P001', name: 'DOE^JANE', birthDate: '19580312', sex: 'F', fold: null },
    { id: 'P002', name: 'ROE^RICHARD', birthDate: '', sex: 'M', fold: null },
  ],
  series: [seriesOf(S1, '2.25.1000', 'P001', 4), seriesOf(S2, '2.25.2000', 'P002', 2)],
  boxes: [
    box(MUELLER, S1, 3, 'lymph node', [1, 2, 3, 4]),
    kimOnS1[1],
    box(KIM, S2, 0, 'DVT', [5, 5, 15, 15]),
    kimOnS1[0],
    box(MUELLER, S2, 1, 'DVT', [7.5, 8.5, 9.5, 10.5]),
    kimOnS1[2],
  ],
  cases: [],
});

const OPTIONS: SrWriteOptions = {
  seriesInstanceUid: '2.25.9001',
  sopInstanceUid: '2.25.9001.1',
  seriesNumber: 901,
  instanceNumber: 1,
  now: new Date('2024-06-01T12:34:56.789Z'),
  manufacturer: 'DVT Workstation',
  softwareVersion: '0.1.0',
};

const expected = (b: SetBox, reader: string | null = b.reader): Omit<ImportBox, 'place'> => ({
  reader,
  sopInstanceUid: b.sopInstanceUid,
  seriesInstanceUid: b.seriesInstanceUid,
  label: b.label,
  box: b.box,
  createdAt: null,
  updatedAt: b.updatedAt,
});

let dir = '';
const path = (name: string): string => join(dir, name);
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(path(name)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvt-sr-'));
  writeFileSync(path('kim-s1.dcm'), writeSeriesSr(SET, S1, KIM, OPTIONS));
  writeFileSync(
    path('mueller-s1.dcm'),
    writeSeriesSr(SET, S1, MUELLER, { ...OPTIONS, sopInstanceUid: '2.25.9001.2' }),
  );
  writeFileSync(
    path('lee-s2.dcm'),
    writeSeriesSr(SET, S2, 'Dr Lee', { ...OPTIONS, sopInstanceUid: '2.25.9001.3' }),
  );
  const deidentified = { ...SET, deidentified: true };
  writeFileSync(
    path('deid-s2.dcm'),
    writeSeriesSr(deidentified, S2, KIM, { ...OPTIONS, sopInstanceUid: '2.25.9001.4' }),
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const available = new Map<string, boolean>();
function needs(binary: string, ctx: TestContext, probe?: string[]): void {
  const key = [binary, ...(probe ?? [])].join(' ');
  let ok = available.get(key);
  if (ok === undefined) {
    ok = existsSync(binary) && (!probe || spawnSync(binary, probe).status === 0);
    available.set(key, ok);
  }
  if (!ok) {
    console.warn(`skipped: ${binary}${probe ? ` ${probe.join(' ')}` : ''} is not available`);
    ctx.skip();
  }
}

describe('writeSeriesSr', () => {
  it.for(['kim-s1.dcm', 'mueller-s1.dcm', 'lee-s2.dcm', 'deid-s2.dcm'])('%s passes dciodvfy', (name, ctx) => {
    needs(DCIODVFY, ctx);
    const run = spawnSync(DCIODVFY, [path(name)], { encoding: 'utf8' });
    const lines = `${run.stdout}\n${run.stderr}`.split('\n').map((l) => l.trim());
    expect(lines).toContain('ComprehensiveSR');
    expect(lines.filter((l) => /^Error/.test(l))).toEqual([]);
    expect(lines.filter((l) => /^Warning/.test(l) && !ALLOWED_WARNINGS.some((w) => w.test(l)))).toEqual([]);
  });

  it('loads in pydicom with one measurement group per box', (ctx) => {
    needs(PYTHON, ctx, ['-c', 'import pydicom']);
    const summary = (name: string): Record<string, unknown> => {
      const run = spawnSync(PYTHON, [PYDICOM_SR, 'summary', path(name)], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    const first = kimOnS1[0]?.box ?? { x1: 0, y1: 0, x2: 0, y2: 0 };
    expect(summary('kim-s1.dcm')).toEqual({
      sopClass: COMPREHENSIVE_SR_STORAGE,
      modality: 'SR',
      patientId: 'P001',
      identityRemoved: null,
      template: '1500',
      observer: KIM,
      groups: 3,
      findings: ['Deep venous thrombosis', 'Deep venous thrombosis', 'lymph node'],
      // Graphic Data is FL: pydicom reads the 32-bit floats.
      firstGraphicData: [
        first.x1,
        first.y1,
        first.x2,
        first.y1,
        first.x2,
        first.y2,
        first.x1,
        first.y2,
        first.x1,
        first.y1,
      ].map(Math.fround),
      firstImage: sop(S1, 1),
    });
    expect(summary('deid-s2.dcm')).toMatchObject({ identityRemoved: 'YES', groups: 1, observer: KIM });
    expect(summary('lee-s2.dcm')).toMatchObject({ groups: 0, observer: 'Dr Lee', firstGraphicData: null });
  });

  it('writes the same bytes for the same input', () => {
    expect(Buffer.from(writeSeriesSr(SET, S1, KIM, OPTIONS)).equals(readFileSync(path('kim-s1.dcm')))).toBe(
      true,
    );
  });

  it('refuses a series the set does not hold, and UIDs that are not UIDs', () => {
    expect(() => writeSeriesSr(SET, '2.25.404', KIM, OPTIONS)).toThrow(
      /series 2\.25\.404 is not in the annotation set/,
    );
    expect(() => writeSeriesSr(SET, S1, KIM, { ...OPTIONS, sopInstanceUid: '1.02.x' })).toThrow(
      /not a DICOM UID/,
    );
  });

  it('makes new UIDs in the 2.25 form', () => {
    const a = newUid();
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(newUid()).not.toBe(a);
  });
});

describe('readSr', () => {
  it('reads our report back exactly: boxes, labels, reader, slices and series', () => {
    const batch = readSr(bytesOf('kim-s1.dcm'), path('kim-s1.dcm'));
    expect(batch).toMatchObject({
      format: 'sr',
      source: path('kim-s1.dcm'),
      cases: [],
      folds: null,
      runs: [],
    });
    expect(batch.labels).toEqual(['DVT', 'lymph node']);
    expect(batch.boxes.map((b) => b.place)).toEqual([
      'measurement group 1',
      'measurement group 2',
      'measurement group 3',
    ]);
    expect(batch.boxes.map(({ place: _, ...rest }) => rest)).toEqual(kimOnS1.map((b) => expected(b)));
  });

  it('reads a reader name outside ASCII and an empty report', () => {
    const mueller = readSr(bytesOf('mueller-s1.dcm'), 'mueller');
    expect(mueller.boxes.map((b) => b.reader)).toEqual([MUELLER]);
    expect(mueller.labels).toEqual(['lymph node']);
    const lee = readSr(bytesOf('lee-s2.dcm'), 'lee');
    expect(lee.boxes).toEqual([]);
    expect(lee.labels).toEqual([]);
  });

  describe('reports edited by pydicom', () => {
    let variants = '';
    beforeAll(() => {
      variants = mkdtempSync(join(dir, 'variants-'));
      spawnSync(PYTHON, [PYDICOM_SR, 'variants', path('kim-s1.dcm'), variants], { encoding: 'utf8' });
    });
    const read = (name: string): ReturnType<typeof readSr> => {
      const file = join(variants, `${name}.dcm`);
      return readSr(new Uint8Array(readFileSync(file)), file);
    };
    const skipWithoutPydicom = (ctx: TestContext): void => needs(PYTHON, ctx, ['-c', 'import pydicom']);

    it('without our exact corners, reads the float32 polyline as its shortest decimal', (ctx) => {
      skipWithoutPydicom(ctx);
      const batch = read('other-tool');
      const coordinates = (b: { box: SetBox['box'] }): number[] => [b.box.x1, b.box.y1, b.box.x2, b.box.y2];
      expect(batch.boxes.map((b) => coordinates(b).map(Math.fround))).toEqual(
        kimOnS1.map((b) => coordinates(b).map(Math.fround)),
      );
      // Exact wherever the input had at most 6 significant digits; 210⅓ and 50.123456789 are not.
      expect(batch.boxes.map(coordinates)).toEqual([
        [100, 200, 133.3, Number(Math.fround(210 + 1 / 3).toPrecision(8))],
        [10.25, 20.3, 40, Number(Math.fround(50.123456789).toPrecision(8))],
        [300.5, 310.75, 320, 330.125],
      ]);
      // No evidence sequence: the series is unknown. A group's own observer wins over the document's.
      expect(batch.boxes.map((b) => [b.seriesInstanceUid, b.reader])).toEqual([
        [null, KIM],
        [null, 'Second^Reader'],
        [null, KIM],
      ]);
    });

    it('prefers the polyline when another program moved it', (ctx) => {
      skipWithoutPydicom(ctx);
      const moved = read('edited').boxes[0]?.box;
      expect(moved && [moved.x1, moved.y1, moved.x2].map(Number)).toEqual([105, 205, 138.3]);
      expect(Math.fround(moved?.y2 ?? 0)).toBe(Math.fround(Math.fround(210 + 1 / 3) + 5));
    });

    it.for([
      ['rotated', /measurement group 2: its Image Region is not an axis-aligned rectangle/],
      ['open', /measurement group 1: its Image Region POLYLINE has 4 points; a rectangle is 5/],
      ['point', /measurement group 1: its Image Region is a POINT, not a rectangle/],
      ['no-image', /measurement group 1: its Image Region names no image it is SELECTED FROM/],
      ['other-title', /no TID 1500 content: the document is \(18748-4, LN, "Diagnostic Imaging Report"\)/],
      ['no-finding', /measurement group 3: it has no Finding \(121071, DCM, "Finding"\)/],
    ] as const)('refuses %s, naming the file and the reason', ([name, reason], ctx) => {
      skipWithoutPydicom(ctx);
      const file = join(variants, `${name}.dcm`);
      expect(() => read(name)).toThrow(reason);
      expect(() => read(name)).toThrow(`${file}: `);
    });
  });

  it('refuses bytes that are not DICOM', () => {
    let seed = 12345;
    const random = new Uint8Array(4096).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
    expect(() => readSr(random, 'noise.bin')).toThrow(
      'noise.bin: not a DICOM file (no "DICM" prefix after the 128-byte preamble)',
    );
    expect(() => readSr(new Uint8Array(0), 'empty.dcm')).toThrow(/^empty\.dcm: not a DICOM file/);
    const prefixed = new Uint8Array(4096);
    prefixed.set(random.subarray(0, 3964), 132);
    prefixed.set([0x44, 0x49, 0x43, 0x4d], 128);
    expect(() => readSr(prefixed, 'garbage.dcm')).toThrow(/^garbage\.dcm: not a readable DICOM file/);
  });

  it('refuses a CT image: not a structured report', () => {
    const header: CtSeriesHeader = {
      patientName: 'PHANTOM^ONE',
      patientId: 'P001',
      patientBirthDate: '19580312',
      patientSex: 'F',
      patientAge: '066Y',
      patientWeightKg: 70,
      patientSizeM: 1.7,
      studyInstanceUid: '2.25.1000',
      studyDate: '20240102',
      studyTime: '093000',
      studyId: 'S1',
      accessionNumber: 'ACCP001',
      studyDescription: 'CTA',
      seriesInstanceUid: S1,
      seriesNumber: 2,
      seriesDescription: 'venous',
      patientPosition: 'FFS',
      frameOfReferenceUid: '2.25.1000.9',
      manufacturer: 'DVT Workstation',
      manufacturerModelName: 'test',
      institutionName: 'SYNTHETIC',
      softwareVersions: '0.1.0',
      imageComments: '',
      rows: 4,
      columns: 4,
      pixelSpacingMm: 0.7,
      sliceThicknessMm: 5,
      spacingBetweenSlicesMm: 5,
      reconstructionDiameterMm: 2.8,
      kvp: 100,
      tubeCurrentMa: 200,
      exposureTimeMs: 500,
      exposureMas: 100,
      convolutionKernel: 'B30f',
      tableHeightMm: 150,
      contrastAgent: 'IOHEXOL',
      contrastVolumeMl: 100,
      windowCenter: 140,
      windowWidth: 400,
      rescaleIntercept: -1024,
      rescaleSlope: 1,
      bitsStored: 12,
    };
    const ct = createCtSeriesWriter(header)(
      { sopInstanceUid: sop(S1, 0), instanceNumber: 1, position: [0, 0, 0], acquisitionTime: '093000' },
      new Uint16Array(16),
    );
    expect(() => readSr(ct, 'ct.dcm')).toThrow(
      `ct.dcm: not a DICOM structured report (SOP class ${CT_IMAGE_STORAGE})`,
    );
  });

  it('refuses a truncated report wherever it is cut', () => {
    const whole = bytesOf('kim-s1.dcm');
    // Not the last 3 bytes: dcmjs reads past a cut in the length of the final Sequence Delimitation
    // Item, and every content item is there then.
    const cuts = [1, 64, 128, 131, 132, 140, 300, whole.length >> 1, whole.length - 12, whole.length - 4];
    for (let i = 1; i < 40; i++) cuts.push(Math.floor((whole.length * i) / 40));
    for (const cut of cuts) {
      expect(() => readSr(whole.subarray(0, cut), 'cut.dcm'), `cut at ${cut}`).toThrow(/^cut\.dcm: /);
    }
  });

  it('never throws anything but an Error naming the file on corrupted bytes', () => {
    const whole = bytesOf('kim-s1.dcm');
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let trial = 0; trial < 150; trial++) {
      const bytes = whole.slice();
      for (let k = 0; k < 4; k++) bytes[132 + (next() % (bytes.length - 132))] = next() >>> 24;
      try {
        readSr(bytes, 'flipped.dcm');
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/^flipped\.dcm: /);
      }
    }
  });
});

describe('finding codes', () => {
  it('write DVT as SNOMED CT and read it back as DVT', () => {
    expect(findingForLabel('DVT')).toEqual({
      value: '128053003',
      scheme: 'SCT',
      meaning: 'Deep venous thrombosis',
    });
    expect(labelForFinding(findingForLabel('DVT'))).toBe('DVT');
  });

  it('give other labels a short private code that keeps the label as its meaning', () => {
    for (const label of ['lymph node', 'mixing artifact of the common femoral vein', '혈전']) {
      const code = findingForLabel(label);
      expect(code.scheme).toBe('99DVT');
      expect(code.value.length).toBeLessThanOrEqual(16);
      expect(labelForFinding(code)).toBe(label);
    }
    expect(findingForLabel('lymph node').value).toBe('L_LYMPH_NODE');
    expect(findingForLabel('혈전').value).not.toBe(findingForLabel('혈관').value);
  });
});
