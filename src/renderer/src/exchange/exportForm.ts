// The export form of the exchange dialog as plain data, and the pure functions around it: what each
// format offers, the request the form makes (or why it cannot make one yet), and the summary's text.
// Types only from the shared schemas: importing a schema value would bundle zod, whose eval probe the
// renderer's CSP reports.
import type { ExportFormat } from '../../../shared/exchange/exportRequest';
import type { ExportPhase } from '../../../shared/exchange/exchangeSchemas';
import type { PatchEncoding, PatchInput } from '../../../shared/exchange/patchManifest';
import type { ChannelInput } from '../../../shared/ipc/contract';

export type ExportStartInput = ChannelInput<'exports:start'>;

export interface FormatInfo {
  title: string;
  /** One line on what the format is and holds. */
  description: string;
  /** Boxes of several readers (else one source: a reader, or the reference truth). */
  multiReader: boolean;
  /** Whole slices written as images (slice scope and image input apply). */
  sliceImages: boolean;
}

/** Every format, in the order of the select; the Record makes the compiler check each is listed. */
export const FORMATS: Record<ExportFormat, FormatInfo> = {
  native: {
    title: 'Native (DVT Workstation JSON)',
    description:
      'Versioned JSON of boxes, case states and folds, optionally with runs and their predictions; reads back without loss.',
    multiReader: true,
    sliceImages: false,
  },
  coco: {
    title: 'COCO',
    description: 'COCO detection JSON (images, annotations, categories) with the slices as PNG images.',
    multiReader: true,
    sliceImages: true,
  },
  csv: {
    title: 'keras-retinanet CSV',
    description:
      "The paper's framework: annotations.csv (one row per box, empty rows for negatives), classes.csv and slice PNGs; one reader.",
    multiReader: false,
    sliceImages: true,
  },
  voc: {
    title: 'Pascal VOC',
    description: 'One XML file per slice with its PNG image and an image set list; one reader.',
    multiReader: false,
    sliceImages: true,
  },
  sr: {
    title: 'DICOM SR (TID 1500)',
    description: 'Structured reports of image regions, one DICOM file per series and reader.',
    multiReader: true,
    sliceImages: false,
  },
  patches: {
    title: 'Training patch set',
    description:
      '128×128 patches at 0.695 mm around thrombi and veins, 1-slice and/or 3-slice, with a manifest and patient folds; one source.',
    multiReader: false,
    sliceImages: false,
  },
};
export const FORMAT_ORDER = Object.keys(FORMATS) as ExportFormat[];

export const PATCH_INPUTS: readonly { value: PatchInput; text: string }[] = [
  { value: '1slice', text: '1-slice' },
  { value: '3slice', text: '3-slice' },
];
export const PATCH_ENCODINGS: readonly { value: PatchEncoding; text: string }[] = [
  { value: 'png', text: 'PNG (8-bit windowed)' },
  { value: 'npy', text: 'npy (float32 HU)' },
];

/** The single-source select's value for the reference truth (reader names hold no control characters). */
export const REFERENCE_SOURCE = '\u0000reference';

export interface ExportForm {
  format: ExportFormat;
  /** Several-reader formats: every reader, or those in `readers`. */
  allReaders: boolean;
  readers: string[];
  /** Several-reader formats: the generated cohort's reference truth as the reader "reference". */
  reference: boolean;
  /** One-source formats: a reader's name or REFERENCE_SOURCE ('' while none is chosen). */
  source: string;
  /** Empty: every label. */
  labels: string[];
  deidentify: boolean;
  slices: 'all' | 'annotated';
  imageInput: PatchInput;
  patchInputs: PatchInput[];
  patchEncoding: PatchEncoding;
  foldK: number;
  runs: 'none' | 'all';
  outDir: string;
}

export const defaultExportForm = (): ExportForm => ({
  format: 'native',
  allReaders: true,
  readers: [],
  reference: false,
  source: '',
  labels: [],
  deidentify: true,
  slices: 'all',
  imageInput: '3slice',
  patchInputs: ['1slice', '3slice'],
  patchEncoding: 'png',
  foldK: 5,
  runs: 'none',
  outDir: '',
});

const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * The request the form makes, or the first thing missing. `synthetic` says whether the reference truth
 * may be chosen; `storedFolds` whether the workspace's own split is used (then k is not asked).
 */
export function exportRequestOf(
  form: ExportForm,
  opts: { synthetic: boolean; storedFolds: boolean },
): { request: ExportStartInput } | { problem: string } {
  const info = FORMATS[form.format];
  const outDir = form.outDir.trim();
  const base: ExportStartInput = { format: form.format, outDir, deidentify: form.deidentify };
  let request: ExportStartInput;
  if (info.multiReader) {
    const reference = opts.synthetic && form.reference;
    if (!form.allReaders && form.readers.length === 0 && !reference) {
      return { problem: 'Choose at least one reader.' };
    }
    request = { ...base, readers: form.allReaders ? 'all' : [...form.readers], reference };
  } else {
    if (form.source === '' || (form.source === REFERENCE_SOURCE && !opts.synthetic)) {
      return { problem: 'Choose the reader whose boxes are exported.' };
    }
    request =
      form.source === REFERENCE_SOURCE
        ? { ...base, readers: [], reference: true }
        : { ...base, readers: [form.source], reference: false };
  }
  // A patch set takes the reference's or the reader's targets and veins whatever the label list says.
  if (form.format !== 'patches' && form.labels.length > 0) request.labels = [...form.labels];
  if (info.sliceImages) {
    request.slices = form.slices;
    request.imageInput = form.imageInput;
  }
  if (form.format === 'native') request.runs = form.runs;
  if (form.format === 'patches') {
    if (form.patchInputs.length === 0) return { problem: 'Choose at least one patch input.' };
    request.patchInputs = PATCH_INPUTS.map((p) => p.value).filter((v) => form.patchInputs.includes(v));
    request.patchEncoding = form.patchEncoding;
    if (!opts.storedFolds) {
      if (!Number.isInteger(form.foldK) || form.foldK < 2 || form.foldK > 20) {
        return { problem: 'Folds: a whole number from 2 to 20.' };
      }
      request.foldK = form.foldK;
    }
  }
  if (!ABSOLUTE.test(outDir)) return { problem: 'Give the output folder as an absolute path.' };
  return { request };
}

export const PHASES: Record<ExportPhase, string> = {
  queued: 'Queued',
  collecting: 'Collecting annotations',
  writing: 'Writing files',
  finishing: 'Finishing',
};

/** Megabytes (10⁶ bytes), two decimals below 10 MB and one above. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb.toFixed(mb < 10 ? 2 : 1)} MB`;
}

/**
 * Whole percent of an export: the files written of those to write. Collecting counts as nothing
 * done (its own 1 of 1 would show a full bar before anything is written), finishing as all.
 */
export function exportPercent(job: { phase: ExportPhase; done: number; total: number }): number {
  if (job.phase === 'finishing') return 100;
  if (job.phase !== 'writing' || job.total <= 0) return 0;
  return Math.min(100, Math.round((100 * job.done) / job.total));
}

/**
 * The suggested folder, or it with a "-2", "-3"… suffix when an export of this session already wrote
 * there (suggestions are stamped to the second, so a quick export and the next one may meet).
 */
export function freshFolder(suggested: string, taken: readonly string[]): string {
  if (!taken.includes(suggested)) return suggested;
  for (let i = 2; ; i++) {
    const candidate = `${suggested}-${i}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
