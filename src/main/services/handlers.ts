import type { z } from 'zod';
import { contract, isChannel, type Channel, type ChannelOutput } from '../../shared/ipc/contract';
import { err, ok, type Result } from '../../shared/result';
import { annotationHandlers } from '../annotation/handlers';
import { evaluationHandlers } from '../evaluation/handlers';
import { exchangeHandlers } from '../exchange/handlers';
import { inferenceHandlers } from '../inference/handlers';
import { importWithAutoRun, readingHandlers, setCaseStateWithClock } from '../reading/handlers';
import { summarizeSeries } from '../catalog/seriesSummary';
import { seriesReference } from '../reference/referenceStore';
import { InvalidInputError, NotFoundError } from './errors';
import type { Workspace } from '../workspace/workspace';

type Handler<C extends Channel> = (
  input: z.infer<(typeof contract)[C]['input']>,
) => Promise<ChannelOutput<C>>;
export type Handlers = { [C in Channel]: Handler<C> };

/** The main-process services behind every channel of the contract, for one open workspace. */
export function createHandlers(ws: Workspace): Handlers {
  return {
    'workspace:info': () =>
      Promise.resolve({
        path: ws.dir,
        demo: ws.isDemo(),
        synthetic: ws.isSynthetic(),
        counts: ws.catalog.counts(),
      }),
    'catalog:tree': () => Promise.resolve(catalogTree(ws)),
    'catalog:import': ({ paths }) => importWithAutoRun(ws, paths),
    'series:detail': ({ seriesUid }) => Promise.resolve(ws.series.detail(seriesUid, ws.isSynthetic())),
    'series:slice': ({ seriesUid, index }) => ws.series.slice(seriesUid, index),
    'series:reference': ({ seriesUid }) => {
      if (!ws.catalog.series(seriesUid)) throw new NotFoundError(`no series ${seriesUid} in this workspace`);
      return Promise.resolve(seriesReference(ws.db, seriesUid));
    },
    ...annotationHandlers(ws),
    // Marking a case done also stops its reading clock (reading/handlers.ts).
    'cases:set': (update) => setCaseStateWithClock(ws, update),
    ...inferenceHandlers(ws),
    ...evaluationHandlers(ws),
    ...exchangeHandlers(ws),
    ...readingHandlers(ws),
  };
}

function catalogTree(ws: Workspace): ChannelOutput<'catalog:tree'> {
  const { catalog } = ws;
  return contract['catalog:tree'].output.parse({
    patients: catalog.allPatients().map((p) => ({
      key: p.id,
      patientId: p.patient_id,
      name: p.name,
      birthDate: p.birth_date,
      sex: p.sex,
      studies: catalog.studiesOfPatient(p.id).map((st) => ({
        studyUid: st.study_uid,
        date: st.study_date,
        description: st.description,
        accession: st.accession,
        series: catalog.seriesOfStudy(st.study_uid).map((se) => summarizeSeries(catalog, se)),
      })),
    })),
  });
}

/**
 * The one entry point for every transport (Electron IPC, the browser harness, tests): checks the
 * channel and validates the input against the contract, runs the handler, and turns any failure
 * into a result. Nothing thrown here crosses the boundary.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) return err('invalid-input', `unknown channel ${JSON.stringify(channel)}`);
  const parsed = contract[channel].input.safeParse(input ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(input)'}: ${i.message}`)
      .join('; ');
    return err('invalid-input', `${channel}: ${detail}`);
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (e) {
    if (e instanceof NotFoundError) return err('not-found', e.message);
    if (e instanceof InvalidInputError) return err('invalid-input', e.message);
    const message = e instanceof Error ? e.message : String(e);
    return err('internal', `${channel} failed: ${message}`);
  }
}
