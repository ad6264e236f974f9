// An import file (or a Pascal VOC folder) to an ImportBatch: the format is taken from what the file
// is (a folder of VOC XML, a DICOM file, JSON with the native "format" or COCO's lists, a CSV), or
// given. Anything unreadable or malformed throws an Error naming the file and the place.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readCoco } from '../../shared/exchange/cocoExport';
import type { ImportBatch, ImportBox, ImportFormat } from '../../shared/exchange/importBatch';
import { CSV_CLASSES, readKerasClasses, readKerasCsv } from '../../shared/exchange/kerasCsv';
import { readNative } from '../../shared/exchange/nativeSet';
import { readVocXml, VOC_ANNOTATIONS_DIR } from '../../shared/exchange/pascalVoc';
import { readSr } from './sr/readSr';

export interface ImportFileOptions {
  /** When absent, the format is recognised from the file. */
  format?: ImportFormat;
  /** keras-retinanet class mapping; default `classes.csv` beside the annotations. */
  classesFile?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

function parseJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

function isDicom(file: string): boolean {
  const bytes = readFileSync(file).subarray(128, 132);
  return bytes.length === 4 && String.fromCharCode(...bytes) === 'DICM';
}

export function detectFormat(path: string): ImportFormat {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, VOC_ANNOTATIONS_DIR))) return 'voc';
    throw new Error(`${path}: a folder is read as Pascal VOC, but it has no ${VOC_ANNOTATIONS_DIR}/ folder`);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xml')) return 'voc';
  if (lower.endsWith('.json')) return jsonFormat(parseJson(path));
  if (isDicom(path)) return 'sr';
  throw new Error(
    `${path}: not a recognised annotation file (native or COCO .json, keras-retinanet .csv, Pascal VOC .xml or folder, DICOM SR)`,
  );
}

function readVoc(path: string): ImportBatch {
  const files = statSync(path).isDirectory()
    ? readdirSync(join(path, VOC_ANNOTATIONS_DIR))
        .filter((f) => f.toLowerCase().endsWith('.xml'))
        .sort()
        .map((f) => join(path, VOC_ANNOTATIONS_DIR, f))
    : [path];
  if (files.length === 0) throw new Error(`${path}: no .xml files in ${VOC_ANNOTATIONS_DIR}/`);
  const boxes: ImportBox[] = [];
  const labels: string[] = [];
  for (const file of files) {
    const read = readVocXml(readText(file), file);
    boxes.push(...read.boxes);
    for (const l of read.labels) if (!labels.includes(l)) labels.push(l);
  }
  return { format: 'voc', source: path, labels, boxes, cases: [], folds: null, runs: [] };
}

/** A JSON document is native when it says which format it is (COCO files have no "format"). */
function jsonFormat(json: unknown): 'native' | 'coco' {
  return typeof json === 'object' && json !== null && 'format' in json ? 'native' : 'coco';
}

export function readImportFile(path: string, options: ImportFileOptions = {}): ImportBatch {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  // JSON is read once: its content decides between native and COCO when no format is given.
  const json =
    path.toLowerCase().endsWith('.json') || options.format === 'native' || options.format === 'coco'
      ? parseJson(path)
      : undefined;
  const format = options.format ?? (json !== undefined ? jsonFormat(json) : detectFormat(path));
  switch (format) {
    case 'native':
      return readNative(json ?? parseJson(path), path).batch;
    case 'coco':
      return readCoco(json ?? parseJson(path), path);
    case 'csv': {
      const classesFile = options.classesFile ?? join(dirname(path), CSV_CLASSES);
      if (!existsSync(classesFile)) {
        throw new Error(
          `${path}: keras-retinanet CSV needs its class mapping; ${basename(classesFile)} is not beside it (--classes FILE)`,
        );
      }
      const classes = readKerasClasses(readText(classesFile), classesFile);
      return readKerasCsv(readText(path), path, classes);
    }
    case 'voc':
      return readVoc(path);
    case 'sr': {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        throw new Error(`${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
      }
      return readSr(bytes, path);
    }
  }
}
