// A real workspace for annotation tests: a small phantom cohort (default 2 patients × 10 slices of
// 512 × 512) generated and imported, with the handlers the app would use.
import { join } from 'node:path';
import { expect } from 'vitest';
import { importPaths } from '../../src/main/import/importPaths';
import { generateCohort } from '../../src/main/phantom';
import { createHandlers, dispatch, type Handlers } from '../../src/main/services/handlers';
import { openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { SeriesUid, SopInstanceUid } from '../../src/shared/ids';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/ipc/contract';
import type { AppError, Result } from '../../src/shared/result';
import { tempDir } from '../import/fixtures';

export interface FixtureSeries {
  uid: SeriesUid;
  rows: number;
  cols: number;
  /** SOP instance UIDs in anatomical order (index 0 = most cranial). */
  sops: SopInstanceUid[];
}

export interface AnnotationFixture {
  root: string;
  wsDir: string;
  ws: Workspace;
  handlers: Handlers;
  series: FixtureSeries[];
}

/** Generates and imports a cohort into a new workspace under a new temporary folder. */
export async function annotationWorkspace(patients = 2, slices = 10): Promise<AnnotationFixture> {
  const root = tempDir('dvt-annotation-');
  const cohort = join(root, 'cohort');
  await generateCohort({ outDir: cohort, patients, seed: 4242, slicesPerPatient: slices });
  const wsDir = join(root, 'ws');
  const ws = openWorkspace(wsDir);
  const report = await importPaths(ws.catalog, [cohort]);
  expect(report.errors).toEqual([]);
  const handlers = createHandlers(ws);
  const tree = await handlers['catalog:tree']({});
  const series = await Promise.all(
    tree.patients
      .flatMap((p) => p.studies.flatMap((s) => s.series))
      .map(async (s) => {
        const detail = await handlers['series:detail']({ seriesUid: s.seriesUid });
        return {
          uid: s.seriesUid,
          rows: s.rows,
          cols: s.cols,
          sops: detail.slices.map((x) => x.sopInstanceUid),
        };
      }),
  );
  return { root, wsDir, ws, handlers, series };
}

/** A channel called the way IPC calls it (validated by `dispatch`), expected to succeed. */
export async function call<C extends Channel>(
  handlers: Handlers,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const r = (await dispatch(handlers, channel, input)) as Result<ChannelOutput<C>>;
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A channel called with input that must be refused; gives the error. Input is unchecked on purpose. */
export async function refused(handlers: Handlers, channel: Channel, input: unknown): Promise<AppError> {
  const r = await dispatch(handlers, channel, input);
  if (r.ok) throw new Error(`${channel} was expected to refuse ${JSON.stringify(input)}`);
  return r.error;
}
