// `dvt eval`, `dvt froc`, `dvt folds`: evaluating stored runs against a reader's boxes (or COCO files)
// with the same pure evaluator the app's evaluation view uses.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  cocoToEvalInput,
  DEFAULT_EVAL_SETTINGS,
  type EvalInput,
  type EvalSettings,
} from '../../shared/evaluation';
import type { EvaluationDataset } from '../../shared/evaluation/dataset';
import { MAX_FOLDS, patchDataset } from '../../shared/evaluation/dataset';
import { patchWindowsOf } from '../evaluation/patchSet';
import { buildEvaluationDataset } from '../evaluation/buildDataset';
import { evaluationStoreOf } from '../evaluation/handlers';
import { assignAndStoreFolds, foldLookup, storedFolds } from '../evaluation/folds';
import {
  datasetFrocReport,
  datasetReport,
  evaluationReport,
  frocCsv,
  frocReport,
  type ReportOptions,
} from '../evaluation/report';
import type { Workspace } from '../workspace/workspace';
import { optionalInt, parseCommand, requireString, UsageError, type ParsedCommand } from './args';
import { commaList, type Command, inExistingWorkspace } from './workspaceCommand';

const SEED_MAX = 2 ** 31 - 1;

function optionalNumber(
  cmd: ParsedCommand,
  name: string,
  fallback: number,
  ok: (n: number) => boolean,
  range: string,
): number {
  const v = cmd.values[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${name} must be a number ${range}, got ${String(v)}`);
  return n;
}

function settingsOf(cmd: ParsedCommand): EvalSettings {
  return {
    ...DEFAULT_EVAL_SETTINGS,
    iouThreshold: optionalNumber(
      cmd,
      'iou',
      DEFAULT_EVAL_SETTINGS.iouThreshold,
      (n) => n > 0 && n <= 1,
      'in (0, 1]',
    ),
    scoreThreshold: optionalNumber(
      cmd,
      'score',
      DEFAULT_EVAL_SETTINGS.scoreThreshold,
      (n) => n >= 0 && n <= 1,
      'in [0, 1]',
    ),
  };
}

function bootstrapOf(cmd: ParsedCommand): ReportOptions['bootstrap'] {
  if (cmd.values['bootstrap'] === undefined) {
    if (cmd.values['seed'] !== undefined) throw new UsageError('--seed goes with --bootstrap N');
    return undefined;
  }
  return {
    resamples: optionalInt(cmd, 'bootstrap', 1000, 10, 100_000),
    seed: optionalInt(cmd, 'seed', 1, 0, SEED_MAX),
  };
}

/** Workspace mode (--workspace, --reader, --runs) or file mode (--gt, --detections), never both. */
type Source =
  | { kind: 'workspace'; dir: string; reader: string; runs: number[] }
  | { kind: 'files'; gt: string; detections: string };

function sourceOf(cmd: ParsedCommand): Source {
  if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
  const has = (name: string) => cmd.values[name] !== undefined;
  const files = has('gt') || has('detections');
  const workspace = has('workspace') || has('reader') || has('runs');
  if (files === workspace) {
    throw new UsageError(
      'give either --workspace DIR --reader NAME --runs ID[,ID…] or --gt FILE --detections FILE',
    );
  }
  if (files)
    return { kind: 'files', gt: requireString(cmd, 'gt'), detections: requireString(cmd, 'detections') };
  const runs = commaList(requireString(cmd, 'runs')).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--runs takes run ids (positive integers), got ${s}`);
    return n;
  });
  if (runs.length === 0) throw new UsageError('--runs takes at least one run id');
  if (new Set(runs).size !== runs.length) throw new UsageError('--runs lists a run twice');
  return {
    kind: 'workspace',
    dir: requireString(cmd, 'workspace'),
    reader: requireString(cmd, 'reader'),
    runs,
  };
}

function datasetOf(
  ws: Workspace,
  readerName: string,
  runIds: readonly number[],
  cmd: ParsedCommand,
): EvaluationDataset {
  const unit = cmd.values['unit'] ?? 'slices';
  if (unit !== 'slices' && unit !== 'patches') throw new UsageError('--unit must be slices or patches');
  const store = evaluationStoreOf(ws);
  const reader = store.readerNamed(readerName);
  if (!reader) {
    const known = store.readers().map((r) => r.name);
    throw new Error(`no reader "${readerName}" in this workspace (readers: ${known.join(', ') || 'none'})`);
  }
  const slices = buildEvaluationDataset(
    { store, catalog: ws.catalog, runs: ws.inference.runs },
    reader.id,
    runIds,
  );
  return unit === 'patches' ? patchDataset(slices, patchWindowsOf(ws.db, ws.catalog, slices)) : slices;
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new Error(`${file}: cannot read it (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** The COCO pair as an evaluation input; a refusal names the file at fault and why. */
async function filesInput(gtFile: string, detectionsFile: string): Promise<EvalInput> {
  const gt = await readJson(gtFile);
  const detections = await readJson(detectionsFile);
  // Ground truth alone first, so that its faults are not blamed on the detections.
  try {
    cocoToEvalInput(gt, []);
  } catch (e) {
    throw new Error(`${gtFile}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return cocoToEvalInput(gt, detections);
  } catch (e) {
    throw new Error(`${detectionsFile}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function imagesOfInput(input: EvalInput): { count: number; patients: number } {
  return { count: input.images.length, patients: new Set(input.images.map((i) => i.patientId)).size };
}

const EVAL_OPTIONS = {
  workspace: { type: 'string' },
  reader: { type: 'string' },
  unit: { type: 'string' },
  runs: { type: 'string' },
  gt: { type: 'string' },
  detections: { type: 'string' },
  iou: { type: 'string' },
  score: { type: 'string' },
} as const;

export const evaluationCommands: Record<string, Command> = {
  eval: {
    usage:
      'dvt eval (--workspace DIR --reader NAME --runs ID[,ID…] [--unit slices|patches] [--folds] | --gt GT.json --detections DETS.json) [--iou T] [--score S] [--bootstrap N [--seed S]] [--json]',
    summary:
      "evaluate runs against a reader's boxes (each run, and each model's runs pooled), or COCO files: sensitivity, FPPI, precision, AP, FROC, CPM",
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        ...EVAL_OPTIONS,
        bootstrap: { type: 'string' },
        seed: { type: 'string' },
        folds: { type: 'boolean' },
      });
      const source = sourceOf(cmd);
      const settings = settingsOf(cmd);
      const boot = bootstrapOf(cmd);
      const options: ReportOptions = { settings, ...(boot ? { bootstrap: boot } : {}) };
      if (source.kind === 'files') {
        if (cmd.values['folds'] === true)
          throw new UsageError('--folds needs a workspace (its stored folds)');
        const input = await filesInput(source.gt, source.detections);
        return {
          gt: resolve(source.gt),
          detections: resolve(source.detections),
          settings,
          images: imagesOfInput(input),
          ...evaluationReport(input, options),
        };
      }
      return inExistingWorkspace(source.dir, (ws) => {
        const dataset = datasetOf(ws, source.reader, source.runs, cmd);
        let folds: { k: number | null; seed: number | null } | undefined;
        if (cmd.values['folds'] === true) {
          const { assignment, foldOf } = foldLookup(evaluationStoreOf(ws));
          const missing = [...new Set(dataset.images.map((i) => i.patientId))].filter((p) => !foldOf.has(p));
          if (missing.length > 0) {
            throw new Error(
              `patient(s) ${missing.join(', ')} have no fold (assigned before they were imported?); assign the folds again with dvt folds --assign`,
            );
          }
          options.foldOf = foldOf;
          folds = { k: assignment.k, seed: assignment.seed };
        }
        return {
          reader: dataset.reader,
          unit: cmd.values['unit'] ?? 'slices',
          settings,
          ...(folds ? { folds } : {}),
          ...datasetReport(dataset, options),
        };
      });
    },
  },
  froc: {
    usage:
      'dvt froc (--workspace DIR --reader NAME --runs ID[,ID…] [--unit slices|patches] | --gt GT.json --detections DETS.json) [--iou T] [--csv] [--json]',
    summary: 'the full FROC curve (FPPI, sensitivity, score threshold) of each run, as JSON or CSV',
    run: async (argv) => {
      const cmd = parseCommand(argv, { ...EVAL_OPTIONS, csv: { type: 'boolean' } });
      const source = sourceOf(cmd);
      const settings = settingsOf(cmd);
      const csv = cmd.values['csv'] === true;
      if (source.kind === 'files') {
        const froc = frocReport(await filesInput(source.gt, source.detections), settings);
        if (csv) {
          process.stdout.write(frocCsv([{ run: '', model: basename(source.detections), curve: froc.curve }]));
          return undefined;
        }
        return {
          gt: resolve(source.gt),
          detections: resolve(source.detections),
          iouThreshold: settings.iouThreshold,
          froc,
        };
      }
      const report = await inExistingWorkspace(source.dir, (ws) =>
        datasetFrocReport(datasetOf(ws, source.reader, source.runs, cmd), settings),
      );
      if (csv) {
        process.stdout.write(
          frocCsv([
            ...report.runs.map((r) => ({ run: String(r.runId), model: r.model, curve: r.froc.curve })),
            ...report.models.map((m) => ({ run: m.runIds.join('+'), model: m.model, curve: m.froc.curve })),
          ]),
        );
        return undefined;
      }
      return { iouThreshold: settings.iouThreshold, ...report };
    },
  },
  folds: {
    usage: `dvt folds --workspace DIR [--assign --k K --seed S] [--json]`,
    summary: `print the patients' cross-validation folds, or assign them (K from 2 to ${MAX_FOLDS}, seeded)`,
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        assign: { type: 'boolean' },
        k: { type: 'string' },
        seed: { type: 'string' },
      });
      const dir = requireString(cmd, 'workspace');
      if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
      const assign = cmd.values['assign'] === true;
      if (!assign && (cmd.values['k'] !== undefined || cmd.values['seed'] !== undefined)) {
        throw new UsageError('--k and --seed go with --assign');
      }
      if (assign && (cmd.values['k'] === undefined || cmd.values['seed'] === undefined)) {
        throw new UsageError('--assign needs --k K and --seed S');
      }
      return inExistingWorkspace(dir, (ws) => {
        const store = evaluationStoreOf(ws);
        if (!assign) return storedFolds(store);
        return assignAndStoreFolds(
          store,
          optionalInt(cmd, 'k', 5, 2, MAX_FOLDS),
          optionalInt(cmd, 'seed', 1, 0, SEED_MAX),
        );
      });
    },
  },
};
