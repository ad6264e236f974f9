import type { Handlers } from '../../src/main/services/handlers';
import { channels } from '../../src/shared/ipc/contract';
import type { SeriesDetail, SeriesSummary } from '../../src/shared/catalog/schemas';
import { PatientKey, SeriesUid, SopInstanceUid, StudyUid } from '../../src/shared/ids';

export interface FakeSeriesOptions {
  slices: number;
  rows: number;
  cols: number;
  /** Milliseconds each slice request takes, to stand in for reading and decoding a file. */
  delayMs?: number;
}

export const FAKE_SERIES_UID = SeriesUid.parse('1.2.826.0.1.3680043.10.1.1');
const STUDY_UID = StudyUid.parse('1.2.826.0.1.3680043.10.1');

/**
 * The HU of the fake series: a disc whose value encodes the slice index (100 + index), on a
 * horizontal ramp of −1000…1000 HU. Known at every pixel without any file.
 */
export function fakeHu(index: number, col: number, row: number, o: FakeSeriesOptions): number {
  const dx = col - o.cols / 2;
  const dy = row - o.rows / 2;
  if (dx * dx + dy * dy < (o.rows / 4) ** 2) return 100 + index;
  return Math.round(-1000 + (2000 * col) / (o.cols - 1));
}

/**
 * Handlers for a workspace holding one large in-memory series (no DICOM files): for measuring the
 * viewer's scrolling on hundreds of 512 × 512 slices without generating them on disk.
 */
export function fakeSeriesHandlers(o: FakeSeriesOptions): Handlers & { requests: number[] } {
  const requests: number[] = [];
  const summary: SeriesSummary = {
    studyUid: STUDY_UID,
    seriesUid: FAKE_SERIES_UID,
    modality: 'CT',
    description: 'Fake large series',
    seriesNumber: 1,
    slices: o.slices,
    rows: o.rows,
    cols: o.cols,
    pixelSpacing: [0.8, 0.8],
    sliceSpacing: 1,
    firstPosition: [-204.8, -204.8, 0],
    lastPosition: [-204.8, -204.8, -(o.slices - 1)],
    huMin: -1000,
    huMax: 1000,
    warnings: [],
  };
  const detail: SeriesDetail = {
    summary,
    patientName: 'FAKE^SERIES',
    patientId: 'FAKE-1',
    orientation: [1, 0, 0, 0, 1, 0],
    window: null,
    orderedBy: 'position',
    slices: Array.from({ length: o.slices }, (_, index) => ({
      index,
      sopInstanceUid: SopInstanceUid.parse(`1.2.826.0.1.3680043.10.1.1.${index + 1}`),
      instanceNumber: index + 1,
      position: [-204.8, -204.8, -index] as [number, number, number],
    })),
    synthetic: true,
  };
  const background = new Int16Array(o.rows * o.cols);
  const disc: number[] = [];
  for (let row = 0; row < o.rows; row++) {
    for (let col = 0; col < o.cols; col++) {
      background[row * o.cols + col] = fakeHu(-1, col, row, o);
      if (fakeHu(0, col, row, o) === 100 && fakeHu(1, col, row, o) === 101) disc.push(row * o.cols + col);
    }
  }
  // Channels this fake does not serve (annotations and whatever comes later) fail as a workspace
  // error would, so that the fake stays a complete Handlers as the contract grows.
  const unserved = Object.fromEntries(
    channels.map((c) => [c, () => Promise.reject(new Error(`the fake workspace does not serve ${c}`))]),
  ) as unknown as Handlers;
  return {
    ...unserved,
    requests,
    'workspace:info': () =>
      Promise.resolve({
        path: '/fake-workspace',
        demo: false,
        synthetic: true,
        counts: { patients: 1, studies: 1, series: 1, instances: o.slices },
      }),
    'catalog:tree': () =>
      Promise.resolve({
        patients: [
          {
            key: PatientKey.parse(1),
            patientId: 'FAKE-1',
            name: 'FAKE^SERIES',
            birthDate: '',
            sex: 'O',
            studies: [
              {
                studyUid: STUDY_UID,
                date: '20260101',
                description: 'Fake',
                accession: '',
                series: [summary],
              },
            ],
          },
        ],
      }),
    'catalog:import': () => Promise.reject(new Error('the fake workspace imports nothing')),
    'series:detail': () => Promise.resolve(detail),
    'series:reference': () => Promise.resolve({ hasDvt: null, boxes: [] }),
    'series:slice': async ({ index }) => {
      requests.push(index);
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      // The ramp is the same on every slice; only the disc changes.
      const hu = Int16Array.from(background);
      for (const i of disc) hu[i] = 100 + index;
      return { seriesUid: FAKE_SERIES_UID, index, rows: o.rows, cols: o.cols, hu };
    },
  };
}
