// De-identification is on by default: no identifier of the source DICOM files (PS3.15 basic profile:
// names, IDs, birth date, dates, accession number, UIDs) may appear in any byte of any exported file,
// nor in a file name, whatever the format.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDicom } from '../../src/main/dicom';
import { exportAnnotations } from '../../src/main/exchange/exportService';
import { ExportFormat } from '../../src/shared/exchange/exportRequest';
import { annotationWorkspace, call, type AnnotationFixture } from '../annotation/fixture';

let fx: AnnotationFixture;
const identifiers = new Set<string>();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  const h = fx.handlers;
  const reader = await call(h, 'readers:add', { name: 'Dr Identifiable Reader' });
  for (const s of fx.series) {
    await call(h, 'annotations:create', {
      seriesUid: s.uid,
      readerId: reader.id,
      boxes: [
        {
          sopInstanceUid: s.sops[3]!,
          label: 'DVT',
          box: { space: 'dicom-pixel', x1: 200, y1: 200, x2: 230, y2: 226 },
        },
      ],
    });
    await call(h, 'cases:set', {
      seriesUid: s.uid,
      readerId: reader.id,
      note: 'seen with Dr Identifiable Reader',
    });
  }
  for (const file of filesUnder(join(fx.root, 'cohort')).filter((f) => f.endsWith('.dcm'))) {
    const head = parseDicom(readFileSync(file)).header;
    for (const v of [
      head.patientId,
      head.patientName,
      ...head.patientName.split('^'),
      head.patientBirthDate,
      head.studyDate,
      head.accessionNumber,
      head.studyInstanceUid,
      head.seriesInstanceUid,
      head.sopInstanceUid,
      head.frameOfReferenceUid ?? '',
    ]) {
      if (v.trim().length >= 4) identifiers.add(v.trim());
    }
  }
  identifiers.add('Dr Identifiable Reader');
}, 120_000);

afterAll(async () => {
  await fx?.ws.close();
  if (fx) rmSync(fx.root, { recursive: true, force: true });
});

describe('de-identified exports', () => {
  it('collects identifiers to look for', () => {
    // Two patients: IDs, names, birth dates, study/series/slice UIDs… (one series each, 10 slices).
    expect(identifiers.size).toBeGreaterThan(20);
  });

  for (const format of ExportFormat.options) {
    it(`${format}: no identifier in any byte or file name`, async () => {
      const outDir = join(fx.root, 'exports', format);
      const result = await exportAnnotations(fx.ws.db, fx.ws.catalog, {
        format,
        outDir,
        readers: ['Dr Identifiable Reader'],
        reference: format === 'native',
        foldK: 2,
      });
      expect(result.deidentified).toBe(true);
      const files = filesUnder(outDir);
      expect(files.length).toBeGreaterThan(0);
      const leaks: string[] = [];
      for (const file of files) {
        const text = readFileSync(file).toString('latin1');
        const name = relative(outDir, file);
        for (const id of identifiers) {
          if (text.includes(id)) leaks.push(`${name}: ${id}`);
          if (name.includes(id)) leaks.push(`file name ${name}: ${id}`);
        }
      }
      expect(leaks).toEqual([]);
    });
  }
});
