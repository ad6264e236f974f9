// `dvt model …`, `dvt infer`, `dvt runs`, `dvt predictions`: the researcher's engine on the command
// line, over the same InferenceService the app uses.
import type { Job, RunSummary } from '../../shared/inference/schemas';
import { ProviderChoice, RunParams } from '../../shared/inference/schemas';
import {
  OutputWithExitCode,
  optionalInt,
  parseCommand,
  requireString,
  UsageError,
  type ParsedCommand,
} from './args';
import { commaList, type Command, inExistingWorkspace, withWorkspace } from './workspaceCommand';

function runParams(cmd: ParsedCommand): RunParams {
  const provider = cmd.values['provider'];
  const parsedProvider = ProviderChoice.safeParse(provider ?? 'auto');
  if (!parsedProvider.success) {
    throw new UsageError(`--provider must be one of ${ProviderChoice.options.join(', ')}`);
  }
  const defaults = RunParams.parse({});
  return RunParams.parse({
    provider: parsedProvider.data,
    batchSize: optionalInt(cmd, 'batch', defaults.batchSize, 1, 512),
    stride: optionalInt(cmd, 'stride', defaults.stride, 8, 2048),
    threads: optionalInt(cmd, 'threads', defaults.threads, 0, 256),
    skipEmptyTiles: cmd.values['skip-empty-tiles'] === true,
  });
}

/** One stderr line per tenth of a job, and one when its provider is known. */
function progressLines(): (job: Job) => void {
  const lastTenth = new Map<number, number>();
  const announced = new Set<number>();
  return (job) => {
    const label = `infer: ${job.modelName} on ${job.seriesUid}`;
    if (job.providerUsed && !announced.has(job.id)) {
      announced.add(job.id);
      for (const note of job.providerNotes) process.stderr.write(`${label}: skipped ${note}\n`);
      process.stderr.write(`${label}: running on ${job.providerUsed}\n`);
    }
    const tenth = job.sliceCount === 0 ? 10 : Math.floor((job.slicesDone / job.sliceCount) * 10);
    if (job.state === 'running' && tenth !== lastTenth.get(job.id)) {
      lastTenth.set(job.id, tenth);
      process.stderr.write(`${label}: slice ${job.slicesDone}/${job.sliceCount}\n`);
    }
    if (job.state === 'failed') process.stderr.write(`${label}: failed: ${job.error ?? ''}\n`);
    if (job.state === 'cancelled') process.stderr.write(`${label}: cancelled\n`);
  };
}

export const inferenceCommands: Record<string, Command> = {
  model: {
    usage:
      'dvt model add FILE --workspace DIR [--name NAME] [--json] | dvt model list --workspace DIR [--json]',
    summary: 'register an ONNX detector (manifest as FILE.json or embedded), or list registered models',
    run: async (argv) => {
      const [verb, ...rest] = argv;
      const cmd = parseCommand(rest, { workspace: { type: 'string' }, name: { type: 'string' } });
      const dir = requireString(cmd, 'workspace');
      if (verb === 'list')
        return inExistingWorkspace(dir, (ws) => Promise.resolve(ws.inference.listModels()));
      if (verb !== 'add') throw new UsageError('say "model add FILE" or "model list"');
      const [file, ...extra] = cmd.positionals;
      if (file === undefined || extra.length > 0) throw new UsageError('give exactly one ONNX file');
      const name = cmd.values['name'];
      // Registering may be the first thing done in a new workspace: the folder is created if needed.
      return withWorkspace(dir, async (ws) => {
        const { model, alreadyRegistered } = await ws.inference.addModel(
          file,
          typeof name === 'string' ? name : undefined,
        );
        return { ...model.summary, alreadyRegistered };
      });
    },
  },
  infer: {
    usage:
      'dvt infer --workspace DIR --model NAME[,NAME…] (--series UID[,UID…] | --all) [--provider auto|cuda|webgpu|cpu] [--batch N] [--stride PX] [--threads N] [--skip-empty-tiles] [--json]',
    summary: 'run models on series (progress on stderr); prints the stored runs',
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        model: { type: 'string' },
        series: { type: 'string' },
        all: { type: 'boolean' },
        provider: { type: 'string' },
        batch: { type: 'string' },
        stride: { type: 'string' },
        threads: { type: 'string' },
        'skip-empty-tiles': { type: 'boolean' },
      });
      const dir = requireString(cmd, 'workspace');
      const modelNames = commaList(requireString(cmd, 'model'));
      const all = cmd.values['all'] === true;
      const series = typeof cmd.values['series'] === 'string' ? commaList(cmd.values['series']) : [];
      if (all === series.length > 0) throw new UsageError('give either --series UID[,UID…] or --all');
      if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
      const params = runParams(cmd);
      return inExistingWorkspace(dir, async (ws) => {
        const models = modelNames.map((name) => {
          const m = ws.inference.models.byName(name);
          if (!m) {
            const known = ws.inference.listModels().map((s) => s.name);
            throw new Error(
              `no model "${name}" in this workspace (registered: ${known.join(', ') || 'none'})`,
            );
          }
          if (params.stride > m.summary.manifest.input.size) {
            throw new UsageError(
              `--stride ${params.stride} is larger than ${name}'s ${m.summary.manifest.input.size}-px patch`,
            );
          }
          return m.summary.id;
        });
        const uids = all ? ws.catalog.allSeriesUids() : series;
        if (uids.length === 0) throw new Error('the workspace has no series');
        const unsubscribe = ws.inference.subscribe(progressLines());
        const jobs = ws.inference.enqueue(models, uids, params);
        const stop = (): void => {
          for (const j of jobs) ws.inference.cancel(j.id);
        };
        process.once('SIGINT', stop);
        try {
          await ws.inference.whenIdle();
        } finally {
          process.off('SIGINT', stop);
          unsubscribe();
        }
        const finished = ws.inference.listJobs().filter((j) => jobs.some((q) => q.id === j.id));
        const runs = finished
          .map((j) => (j.runId === null ? null : ws.inference.runs.get(j.runId)))
          .filter((r): r is RunSummary => r !== null);
        const failures = finished
          .filter((j) => j.state === 'failed' && j.runId === null)
          .map((j) => ({ model: j.modelName, seriesUid: j.seriesUid, error: j.error }));
        const output = { runs, failures };
        const ok = runs.every((r) => r.status === 'done') && failures.length === 0;
        return ok ? output : new OutputWithExitCode(output, 1);
      });
    },
  },
  runs: {
    usage: 'dvt runs --workspace DIR [--series UID] [--json]',
    summary: 'list stored runs (model, hash, provider, parameters, timing, prediction count)',
    run: async (argv) => {
      const cmd = parseCommand(argv, { workspace: { type: 'string' }, series: { type: 'string' } });
      const dir = requireString(cmd, 'workspace');
      const series = cmd.values['series'];
      return inExistingWorkspace(dir, (ws) =>
        Promise.resolve(ws.inference.runs.list(typeof series === 'string' ? { seriesUid: series } : {})),
      );
    },
  },
  predictions: {
    usage: 'dvt predictions --workspace DIR --run ID [--min-score S] [--json]',
    summary: "print a run's predictions (slice, box in DICOM pixels, score, label)",
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        run: { type: 'string' },
        'min-score': { type: 'string' },
      });
      const dir = requireString(cmd, 'workspace');
      const runId = optionalInt(cmd, 'run', 0, 1, Number.MAX_SAFE_INTEGER);
      if (runId === 0) throw new UsageError('--run is required');
      const minScoreText = cmd.values['min-score'];
      const minScore = typeof minScoreText === 'string' ? Number(minScoreText) : 0;
      if (!(minScore >= 0 && minScore <= 1)) throw new UsageError('--min-score must be a number from 0 to 1');
      return inExistingWorkspace(dir, (ws) => {
        const run = ws.inference.runs.get(runId);
        if (!run) throw new Error(`no run ${runId} in this workspace`);
        return Promise.resolve({ run, predictions: ws.inference.runs.predictions(runId, { minScore }) });
      });
    },
  },
};
