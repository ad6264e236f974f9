import { describe, expect, it } from 'vitest';
import { acceptCandidates, type Candidate } from '../../src/main/import/acceptCandidates';
import type { DicomHeader } from '../../src/main/dicom';

const header = (sop: string, series: string, rows = 4, cols = 4, orientation = [1, 0, 0, 0, 1, 0]) =>
  ({
    sopInstanceUid: sop,
    seriesInstanceUid: series,
    rows,
    columns: cols,
    imageOrientationPatient: orientation,
  }) as unknown as DicomHeader;

const candidate = (file: string, h: DicomHeader): Candidate => ({
  file,
  header: h,
  hash: file,
  size: 1,
  mtimeMs: 0,
  huMin: 0,
  huMax: 0,
  known: false,
});

const emptyCatalog = { instanceBySop: () => undefined, series: () => undefined };

describe('acceptCandidates', () => {
  it('accepts distinct slices of one series', () => {
    const r = acceptCandidates(
      [candidate('a', header('1.1', '9')), candidate('b', header('1.2', '9'))],
      emptyCatalog,
    );
    expect(r.accepted.map((c) => c.file)).toEqual(['a', 'b']);
    expect(r.rejected).toEqual([]);
  });

  it('rejects a second file with the same SOP instance UID, naming the first', () => {
    const r = acceptCandidates(
      [candidate('a', header('1.1', '9')), candidate('b', header('1.1', '9'))],
      emptyCatalog,
    );
    expect(r.rejected).toEqual([
      { file: 'b', reason: 'duplicate SOPInstanceUID 1.1 (already imported from a)' },
    ]);
  });

  it('rejects a UID the catalog holds for another file, not for the same file', () => {
    const catalog = { ...emptyCatalog, instanceBySop: () => ({ file_path: 'old' }) };
    expect(acceptCandidates([candidate('old', header('1.1', '9'))], catalog).rejected).toEqual([]);
    expect(acceptCandidates([candidate('new', header('1.1', '9'))], catalog).rejected[0]?.reason).toMatch(
      /already imported from old/,
    );
  });

  it("rejects slices whose size or orientation differs from the series'", () => {
    const catalog = { ...emptyCatalog, series: () => ({ rows: 4, cols: 4, orientation: '[1,0,0,0,1,0]' }) };
    const r = acceptCandidates(
      [
        candidate('a', header('1.1', '9', 5, 4)),
        candidate('b', header('1.2', '9', 4, 4, [0, 1, 0, 0, 0, -1])),
        candidate('c', header('1.3', '9', 4, 4, [1, 0, 0, 0, 1, 0.00001])),
      ],
      catalog,
    );
    expect(r.rejected.map((x) => x.file)).toEqual(['a', 'b']);
    expect(r.rejected[0]?.reason).toMatch(/slice size 4×5 differs from the series' 4×4/);
    expect(r.rejected[1]?.reason).toMatch(/ImageOrientationPatient differs/);
    expect(r.accepted.map((c) => c.file)).toEqual(['c']);
  });

  it('takes the shape of a new series from its first file', () => {
    const r = acceptCandidates(
      [candidate('a', header('1.1', '8', 6, 6)), candidate('b', header('1.2', '8', 4, 4))],
      emptyCatalog,
    );
    expect(r.rejected.map((x) => x.file)).toEqual(['b']);
  });
});
