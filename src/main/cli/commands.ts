import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeHeader, parseDicom } from '../dicom';
import { startHarness } from '../harness/server';
import { importPaths } from '../import/importPaths';
import { generateCohort } from '../phantom';
import {
  DEFAULT_SLICES_PER_PATIENT,
  MAX_SLICES_PER_PATIENT,
  MIN_SLICES_PER_PATIENT,
} from '../phantom/cohort';
import { copyReferenceToReader, REFERENCE_READER_NAME } from '../reference/referenceReader';
import { createHandlers } from '../services/handlers';
import { ensureDemoWorkspace } from '../workspace/demo';
import { ensureDemoModels } from '../workspace/demoModels';
import { openWorkspace } from '../workspace/workspace';
import { optionalInt, OutputWithExitCode, parseCommand, requireString, UsageError } from './args';
import { type Command, commaList, inExistingWorkspace, withWorkspace } from './workspaceCommand';
import { evaluationCommands } from './evaluationCommands';
import { exchangeCommands } from './exchangeCommands';
import { inferenceCommands } from './inferenceCommands';
import { readingCommands } from './readingCommands';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const progressToStderr = (label: string) => {
  let last = -1;
  return (done: number, total: number): void => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct !== last && (pct % 10 === 0 || done === total)) {
      last = pct;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
};

export const commands: Record<string, Command> = {
  import: {
    usage: 'dvt import PATH… --workspace DIR [--json]',
    summary: 'import DICOM files or folders (recursively) into a workspace catalog',
    run: async (argv) => {
      const cmd = parseCommand(argv, { workspace: { type: 'string' } });
      const dir = requireString(cmd, 'workspace');
      if (cmd.positionals.length === 0) throw new UsageError('give at least one file or folder to import');
      const report = await withWorkspace(dir, (ws) =>
        importPaths(ws.catalog, cmd.positionals, { onProgress: progressToStderr('import') }),
      );
      if (report.errors.length > 0) {
        process.stderr.write(
          `dvt import: ${report.errors.length} file(s) could not be imported (see "errors")\n`,
        );
      }
      // Nothing imported and nothing already there: the import failed as a whole.
      const nothing = report.files.added + report.files.changed + report.files.unchanged === 0;
      return nothing && report.errors.length > 0 ? new OutputWithExitCode(report, 1) : report;
    },
  },
  info: {
    usage: 'dvt info FILE',
    summary: "print one DICOM file's main header fields",
    run: async (argv) => {
      const cmd = parseCommand(argv, {});
      const [file, ...extra] = cmd.positionals;
      if (file === undefined || extra.length > 0) throw new UsageError('give exactly one file');
      const bytes = await readFile(file).catch((e: unknown) => {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      try {
        return { file: resolve(file), ...describeHeader(parseDicom(bytes).header) };
      } catch (e) {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    },
  },
  catalog: {
    usage: 'dvt catalog --workspace DIR [--json]',
    summary: 'print the patients, studies and series of a workspace',
    run: async (argv) => {
      const cmd = parseCommand(argv, { workspace: { type: 'string' } });
      const dir = requireString(cmd, 'workspace');
      return inExistingWorkspace(dir, (ws) => createHandlers(ws)['catalog:tree']({}));
    },
  },
  phantom: {
    usage: 'dvt phantom --out DIR --patients N --seed S [--slices K] [--json]',
    summary: 'write a synthetic LECTA cohort (DICOM + ground-truth JSON)',
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        out: { type: 'string' },
        patients: { type: 'string' },
        seed: { type: 'string' },
        slices: { type: 'string' },
      });
      const result = await generateCohort({
        outDir: requireString(cmd, 'out'),
        patients: optionalInt(cmd, 'patients', 10, 1, 1000),
        seed: optionalInt(cmd, 'seed', 1, 0, 2 ** 31 - 1),
        slicesPerPatient: optionalInt(
          cmd,
          'slices',
          DEFAULT_SLICES_PER_PATIENT,
          MIN_SLICES_PER_PATIENT,
          MAX_SLICES_PER_PATIENT,
        ),
        onProgress: progressToStderr('phantom'),
      });
      const { files, ...rest } = result;
      return { ...rest, fileCount: files.length };
    },
  },
  demo: {
    usage: 'dvt demo --workspace DIR [--no-models] [--json]',
    summary:
      'create the demo workspace (synthetic cohort, imported) if it is empty, register the demo models and run them on it',
    run: async (argv) => {
      const cmd = parseCommand(argv, { workspace: { type: 'string' }, 'no-models': { type: 'boolean' } });
      const dir = requireString(cmd, 'workspace');
      return withWorkspace(dir, async (ws) => {
        const created = await ensureDemoWorkspace(ws, { onProgress: progressToStderr('demo') });
        if (cmd.values['no-models'] === true)
          return { workspace: ws.dir, created, counts: ws.catalog.counts() };
        const { registered, jobs } = await ensureDemoModels(ws);
        const progress = progressToStderr('demo runs');
        let done = 0;
        const stop = ws.inference.subscribe((job) => {
          if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled')
            progress(++done, jobs.length);
        });
        await ws.inference.whenIdle();
        stop();
        const runs = ws.inference.runs.list({});
        return {
          workspace: ws.dir,
          created,
          counts: ws.catalog.counts(),
          models: registered,
          runs: {
            done: runs.filter((r) => r.status === 'done').length,
            other: runs.filter((r) => r.status !== 'done').length,
          },
        };
      });
    },
  },
  'reference-reader': {
    usage: 'dvt reference-reader --workspace DIR [--reader NAME] [--labels L[,L…]] [--json]',
    summary:
      "copy a synthetic cohort's reference boxes (thrombi by default) to a reader, the ground truth runs are evaluated against",
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        reader: { type: 'string' },
        labels: { type: 'string' },
      });
      const dir = requireString(cmd, 'workspace');
      if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
      const reader = typeof cmd.values['reader'] === 'string' ? cmd.values['reader'] : REFERENCE_READER_NAME;
      const kinds = typeof cmd.values['labels'] === 'string' ? commaList(cmd.values['labels']) : ['DVT'];
      return inExistingWorkspace(dir, (ws) => {
        if (!ws.isSynthetic())
          throw new Error(`${ws.dir} holds no synthetic cohort: there is no reference truth to copy`);
        return Promise.resolve(copyReferenceToReader(ws, reader, kinds));
      });
    },
  },
  serve: {
    usage: 'dvt serve --workspace DIR [--port P] [--demo]',
    summary: 'serve the app to a browser on 127.0.0.1 (prints the URL with its access token)',
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        port: { type: 'string' },
        demo: { type: 'boolean' },
      });
      const dir = requireString(cmd, 'workspace');
      const port = optionalInt(cmd, 'port', 0, 0, 65535);
      const rendererDir = join(packageRoot, 'out/renderer');
      if (!existsSync(join(rendererDir, 'index.html'))) {
        throw new Error(`the renderer is not built (${rendererDir}); run "npm run build" first`);
      }
      const ws = openWorkspace(dir);
      if (cmd.values['demo'] === true) {
        await ensureDemoWorkspace(ws, { onProgress: progressToStderr('demo') });
        await ensureDemoModels(ws);
      }
      const harness = await startHarness({ handlers: createHandlers(ws), rendererDir, port });
      process.stdout.write(
        `${JSON.stringify({ url: harness.url, port: harness.port, workspace: ws.dir })}\n`,
      );
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', resolveStop);
        process.once('SIGTERM', resolveStop);
      });
      await harness.close();
      await ws.close();
      return undefined;
    },
  },
  ...inferenceCommands,
  ...evaluationCommands,
  ...exchangeCommands,
  ...readingCommands,
};

export function usage(): string {
  const lines = Object.values(commands).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `DVT Workstation command line. Output is JSON on stdout.\n\n${lines.join('\n')}\n`;
}
