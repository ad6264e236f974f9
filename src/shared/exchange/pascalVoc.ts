// Pascal VOC: one XML file per slice (`Annotations/<SOP UID>.xml`), the image beside it in `images/`,
// and `ImageSets/Main/all.txt` listing the stems. VOC's `bndbox` holds 1-based whole pixel indices,
// both ends included: a box covering pixel columns c1…c2 (0-based) is xmin = c1 + 1, xmax = c2 + 1.
// A continuous box is written as the whole pixels it touches (xmin = floor(x1) + 1, xmax = ceil(x2))
// and read back as x1 = xmin − 1, x2 = xmax, so whole-pixel boxes round-trip exactly. The slice's
// DICOM UIDs sit in an extra `<dicom>` element, which VOC readers ignore.
import type { AnnotationSet } from './annotationSet';
import type { ExportImage } from './exportImages';
import { sopOfImagePath } from './exportImages';
import type { ImportBox } from './importBatch';

export const VOC_ANNOTATIONS_DIR = 'Annotations';
export const VOC_IMAGE_SET = 'ImageSets/Main/all.txt';

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]!};`,
  );
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e]!;
  });
}

export function writeVocXml(set: AnnotationSet, img: ExportImage, depth: 1 | 3): string {
  const t = (name: string, value: string | number): string =>
    `<${name}>${escapeXml(String(value))}</${name}>`;
  const objects = img.boxes.map((b) => {
    const { x1, y1, x2, y2 } = b.box;
    return [
      '  <object>',
      `    ${t('name', b.label)}`,
      `    ${t('pose', 'Unspecified')}`,
      `    ${t('truncated', 0)}`,
      `    ${t('difficult', 0)}`,
      '    <bndbox>',
      `      ${t('xmin', Math.floor(x1) + 1)}`,
      `      ${t('ymin', Math.floor(y1) + 1)}`,
      `      ${t('xmax', Math.ceil(x2))}`,
      `      ${t('ymax', Math.ceil(y2))}`,
      '    </bndbox>',
      '  </object>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<annotation>',
    `  ${t('folder', 'images')}`,
    `  ${t('filename', img.file.split('/').pop()!)}`,
    '  <source>',
    `    ${t('database', set.generator)}`,
    `    ${t('annotation', img.boxes[0]?.reader ?? '')}`,
    `    ${t('image', 'DICOM')}`,
    '  </source>',
    '  <size>',
    `    ${t('width', img.series.cols)}`,
    `    ${t('height', img.series.rows)}`,
    `    ${t('depth', depth)}`,
    '  </size>',
    `  ${t('segmented', 0)}`,
    '  <dicom>',
    `    ${t('patientId', img.series.patientId)}`,
    `    ${t('studyInstanceUid', img.series.studyInstanceUid)}`,
    `    ${t('seriesInstanceUid', img.series.seriesInstanceUid)}`,
    `    ${t('sopInstanceUid', img.sopInstanceUid)}`,
    `    ${t('sliceIndex', img.sliceIndex)}`,
    '  </dicom>',
    ...objects,
    '</annotation>',
    '',
  ].join('\n');
}

/** The text of each `<name>` child of `xml` (no nesting of the same name, as in VOC). */
function children(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1]!);
  return out;
}

function one(xml: string, name: string, where: string): string {
  const found = children(xml, name);
  if (found.length === 0) throw new Error(`${where}: no <${name}>`);
  return unescapeXml(found[0]!.trim());
}

function whole(xml: string, name: string, where: string): number {
  const text = one(xml, name, where);
  // VOC files from other tools may hold decimals ("12.0"); a whole value is what VOC means.
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new Error(`${where}: <${name}> "${text}" is not a number`);
  return v;
}

/** The boxes of one VOC XML file. */
export function readVocXml(xml: string, file: string): { boxes: ImportBox[]; labels: string[] } {
  if (!/<annotation[\s>]/.test(xml))
    throw new Error(`${file}: not a Pascal VOC annotation (no <annotation>)`);
  const dicom = children(xml, 'dicom')[0];
  const sopFromDicom = dicom ? children(dicom, 'sopInstanceUid')[0] : undefined;
  const seriesFromDicom = dicom ? children(dicom, 'seriesInstanceUid')[0] : undefined;
  const sop =
    sopFromDicom !== undefined
      ? unescapeXml(sopFromDicom.trim())
      : sopOfImagePath(one(xml, 'filename', file));
  if (!sop)
    throw new Error(
      `${file}: names no slice (no <dicom><sopInstanceUid>, and <filename> is not <SOP UID>.png)`,
    );
  const labels: string[] = [];
  const boxes = children(xml, 'object').map((obj, i): ImportBox => {
    const place = `${file.split(/[\\/]/).pop()} object ${i + 1}`;
    const where = `${file}: object ${i + 1}`;
    const label = one(obj, 'name', where);
    if (!labels.includes(label)) labels.push(label);
    const bnd = children(obj, 'bndbox')[0];
    if (bnd === undefined) throw new Error(`${where}: no <bndbox>`);
    const xmin = whole(bnd, 'xmin', where);
    const ymin = whole(bnd, 'ymin', where);
    const xmax = whole(bnd, 'xmax', where);
    const ymax = whole(bnd, 'ymax', where);
    if (xmax < xmin || ymax < ymin) throw new Error(`${where}: <bndbox> has xmax < xmin or ymax < ymin`);
    return {
      place,
      reader: null,
      sopInstanceUid: sop,
      seriesInstanceUid: seriesFromDicom !== undefined ? unescapeXml(seriesFromDicom.trim()) : null,
      label,
      box: { space: 'dicom-pixel', x1: xmin - 1, y1: ymin - 1, x2: xmax, y2: ymax },
      createdAt: null,
      updatedAt: null,
    };
  });
  return { boxes, labels };
}
