// keras-retinanet's CSV format (the paper's framework): `annotations.csv` with one row per box,
// `path,x1,y1,x2,y2,class_name`, a row `path,,,,,` for a slice without boxes (a negative), and
// `classes.csv` with `class_name,id` (ids from 0). keras-retinanet reads whole-number pixel corners
// (int()), so a box is written as the smallest whole-pixel box holding it: floor(x1), floor(y1),
// ceil(x2), ceil(y2). Paths are relative to the CSV file: `images/<SOP UID>.png`.
import type { AnnotationSet } from './annotationSet';
import type { ExportImage } from './exportImages';
import { sopOfImagePath } from './exportImages';
import type { ImportBatch, ImportBox } from './importBatch';

export const CSV_ANNOTATIONS = 'annotations.csv';
export const CSV_CLASSES = 'classes.csv';

/** A CSV field, quoted when it holds a comma, quote or line break (Python's csv module reads it back). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function writeKerasCsv(
  set: AnnotationSet,
  images: readonly ExportImage[],
): { annotations: string; classes: string } {
  const rows: string[] = [];
  for (const img of images) {
    if (img.boxes.length === 0) rows.push(`${field(img.file)},,,,,`);
    for (const b of img.boxes) {
      const { x1, y1, x2, y2 } = b.box;
      const c = [Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)];
      rows.push([field(img.file), ...c.map(String), field(b.label)].join(','));
    }
  }
  const classes = set.labels.map((l, i) => `${field(l)},${i}`);
  return { annotations: rows.join('\n') + '\n', classes: classes.join('\n') + '\n' };
}

/** Rows of a CSV text (RFC 4180 quoting), each with its 1-based line number. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cur += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(cur);
      cur = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (any || cur !== '') rows.push({ line: rowLine, fields: [...fields, cur] });
      fields = [];
      cur = '';
      any = false;
      line++;
      rowLine = line;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (quoted) throw new Error(`line ${rowLine}: a quoted field is not closed`);
  if (any || cur !== '') rows.push({ line: rowLine, fields: [...fields, cur] });
  return rows;
}

function wholeNumber(text: string, where: string, name: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new Error(`${where}: ${name} "${text}" is not a whole number`);
  return Number(text.trim());
}

/** The classes file: class name → id (both unique), as keras-retinanet's `_read_classes` checks. */
export function readKerasClasses(text: string, file: string): string[] {
  const names = new Map<string, number>();
  const ids = new Set<number>();
  for (const { line, fields } of parseCsv(text)) {
    const where = `${file}: line ${line}`;
    if (fields.length !== 2) throw new Error(`${where}: expected "class_name,class_id"`);
    const [name, idText] = fields as [string, string];
    const id = wholeNumber(idText, where, 'class_id');
    if (names.has(name)) throw new Error(`${where}: class "${name}" is listed twice`);
    if (ids.has(id)) throw new Error(`${where}: class id ${id} is listed twice`);
    names.set(name, id);
    ids.add(id);
  }
  if (names.size === 0) throw new Error(`${file}: no classes`);
  return [...names.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
}

export function readKerasCsv(text: string, file: string, classes: readonly string[]): ImportBatch {
  const known = new Set(classes);
  const boxes: ImportBox[] = [];
  let rows: { line: number; fields: string[] }[];
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  for (const { line, fields } of rows) {
    const place = `line ${line}`;
    const where = `${file}: ${place}`;
    if (fields.length !== 6) throw new Error(`${where}: expected "path,x1,y1,x2,y2,class_name"`);
    const [path, x1t, y1t, x2t, y2t, label] = fields as [string, string, string, string, string, string];
    const sop = sopOfImagePath(path);
    if (!sop) throw new Error(`${where}: the image path "${path}" does not name a slice (<SOP UID>.png)`);
    if (x1t === '' && y1t === '' && x2t === '' && y2t === '' && label === '') continue; // a negative slice
    const [x1, y1, x2, y2] = [
      wholeNumber(x1t, where, 'x1'),
      wholeNumber(y1t, where, 'y1'),
      wholeNumber(x2t, where, 'x2'),
      wholeNumber(y2t, where, 'y2'),
    ];
    if (x2 <= x1) throw new Error(`${where}: x2 (${x2}) must be higher than x1 (${x1})`);
    if (y2 <= y1) throw new Error(`${where}: y2 (${y2}) must be higher than y1 (${y1})`);
    if (!known.has(label)) throw new Error(`${where}: class "${label}" is not in the classes file`);
    boxes.push({
      place,
      reader: null,
      sopInstanceUid: sop,
      seriesInstanceUid: null,
      label,
      box: { space: 'dicom-pixel', x1, y1, x2, y2 },
      createdAt: null,
      updatedAt: null,
    });
  }
  return { format: 'csv', source: file, labels: [...classes], boxes, cases: [], folds: null, runs: [] };
}
