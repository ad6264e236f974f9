// `dvt export` and `dvt import-annotations`: annotation sets out of and into a workspace, in the formats
// researchers and PACS use, over the same services as the export dialog.
import { ExportFormat, type ExportRequestInput } from '../../shared/exchange/exportRequest';
import type { ImportFormat } from '../../shared/exchange/importBatch';
import { PatchEncoding, PatchInput } from '../../shared/exchange/patchManifest';
import { exportAnnotations, type ExportPhase } from '../exchange/exportService';
import { importAnnotations } from '../exchange/importAnnotations';
import { readImportFile } from '../exchange/readImportFile';
import { optionalInt, parseCommand, requireString, UsageError, type ParsedCommand } from './args';
import { commaList, type Command, inExistingWorkspace } from './workspaceCommand';

const IMPORT_FORMATS: readonly ImportFormat[] = ['native', 'coco', 'csv', 'voc', 'sr'];

function stringValue(cmd: ParsedCommand, name: string): string | undefined {
  const v = cmd.values[name];
  return typeof v === 'string' ? v : undefined;
}

function choice<T extends string>(cmd: ParsedCommand, name: string, options: readonly T[]): T | undefined {
  const v = stringValue(cmd, name);
  if (v === undefined) return undefined;
  if (!options.includes(v as T)) throw new UsageError(`--${name} must be one of ${options.join(', ')}`);
  return v as T;
}

/** One stderr line per tenth of each phase. */
function progressLines(): (phase: ExportPhase, done: number, total: number) => void {
  let last = '';
  return (phase, done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    const key = `${phase}:${tenth}`;
    if (key === last) return;
    last = key;
    process.stderr.write(`export: ${phase} ${done}/${total}\n`);
  };
}

export const exchangeCommands: Record<string, Command> = {
  export: {
    usage:
      'dvt export --workspace DIR --format native|coco|csv|voc|sr|patches --out DIR [--reader NAME[,NAME…]] [--reference] ' +
      '[--labels L[,L…]] [--series UID[,UID…]] [--runs all|ID[,ID…]] [--no-deidentify] [--slices all|annotated] ' +
      '[--image-input 1slice|3slice] [--patch-inputs 1slice,3slice] [--patch-encoding png|npy] [--patch-jitter PX] [--vein-every N] [--folds K] [--fold-seed S] [--json]',
    summary: 'export annotations (de-identified unless --no-deidentify); progress on stderr; Ctrl+C cancels',
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        reader: { type: 'string' },
        reference: { type: 'boolean' },
        labels: { type: 'string' },
        series: { type: 'string' },
        runs: { type: 'string' },
        'no-deidentify': { type: 'boolean' },
        slices: { type: 'string' },
        'image-input': { type: 'string' },
        'patch-inputs': { type: 'string' },
        'patch-encoding': { type: 'string' },
        'patch-jitter': { type: 'string' },
        'vein-every': { type: 'string' },
        folds: { type: 'string' },
        'fold-seed': { type: 'string' },
      });
      if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
      const dir = requireString(cmd, 'workspace');
      const format = choice(cmd, 'format', ExportFormat.options);
      if (!format) throw new UsageError('--format is required');
      const reader = stringValue(cmd, 'reader');
      const runs = stringValue(cmd, 'runs');
      const patchInputs = stringValue(cmd, 'patch-inputs');
      const request: ExportRequestInput = {
        format,
        outDir: requireString(cmd, 'out'),
        readers: reader === undefined || reader.toLowerCase() === 'all' ? 'all' : commaList(reader),
        reference: cmd.values['reference'] === true,
        deidentify: cmd.values['no-deidentify'] !== true,
        foldK: optionalInt(cmd, 'folds', 5, 2, 20),
        foldSeed: optionalInt(cmd, 'fold-seed', 1, 0, 2 ** 31 - 1),
        patchJitter: optionalInt(cmd, 'patch-jitter', 32, 0, 64),
        patchVeinEvery: optionalInt(cmd, 'vein-every', 1, 1, 100),
      };
      // Without --reader, a reference export takes no reader's boxes.
      if (reader === undefined && request.reference) request.readers = [];
      const labels = stringValue(cmd, 'labels');
      if (labels !== undefined) request.labels = commaList(labels);
      const series = stringValue(cmd, 'series');
      if (series !== undefined) request.series = commaList(series);
      if (runs !== undefined) {
        request.runs =
          runs === 'all'
            ? 'all'
            : commaList(runs).map((id) => {
                const n = Number(id);
                if (!Number.isInteger(n) || n < 1) throw new UsageError(`--runs: "${id}" is not a run id`);
                return n;
              });
      }
      const slices = choice(cmd, 'slices', ['all', 'annotated'] as const);
      if (slices) request.slices = slices;
      const imageInput = choice(cmd, 'image-input', PatchInput.options);
      if (imageInput) request.imageInput = imageInput;
      if (patchInputs !== undefined) {
        request.patchInputs = commaList(patchInputs).map((p) => {
          if (!PatchInput.options.includes(p as PatchInput)) {
            throw new UsageError(`--patch-inputs: "${p}" is not one of ${PatchInput.options.join(', ')}`);
          }
          return p as PatchInput;
        });
      }
      const encoding = choice(cmd, 'patch-encoding', PatchEncoding.options);
      if (encoding) request.patchEncoding = encoding;

      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      try {
        return await inExistingWorkspace(dir, (ws) =>
          exportAnnotations(ws.db, ws.catalog, request, {
            onProgress: progressLines(),
            signal: controller.signal,
          }),
        );
      } finally {
        process.off('SIGINT', onSignal);
      }
    },
  },
  'import-annotations': {
    usage:
      'dvt import-annotations FILE|FOLDER --workspace DIR [--format native|coco|csv|voc|sr] [--reader NAME] [--classes FILE] [--json]',
    summary:
      'import boxes (and, from native files, case states, folds and runs) in one transaction; a bad file changes nothing',
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        format: { type: 'string' },
        reader: { type: 'string' },
        classes: { type: 'string' },
      });
      const dir = requireString(cmd, 'workspace');
      const [file, ...extra] = cmd.positionals;
      if (file === undefined || extra.length > 0) throw new UsageError('give exactly one file or folder');
      const format = choice(cmd, 'format', IMPORT_FORMATS);
      const classes = stringValue(cmd, 'classes');
      const reader = stringValue(cmd, 'reader');
      return inExistingWorkspace(dir, (ws) => {
        const batch = readImportFile(file, {
          ...(format ? { format } : {}),
          ...(classes !== undefined ? { classesFile: classes } : {}),
        });
        return importAnnotations(ws.db, batch, reader !== undefined ? { reader } : {});
      });
    },
  },
};
