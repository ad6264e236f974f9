/**
 * Reads a TID 1500 Imaging Measurement Report (ours, or another program's with planar rectangles on
 * single-frame images) into an ImportBatch. Each Measurement Group (125007, DCM) of the Imaging
 * Measurements container gives one box: its Image Region SCOORD, a closed axis-aligned 5-point POLYLINE
 * (or POLYGON), gives the corners; the IMAGE it is SELECTED FROM gives the slice; the Finding gives the
 * label (codes.ts); a Person Observer Name in the group, or else in the document's observer context,
 * gives the reader; Observation DateTime, when present, gives `updatedAt`.
 *
 * Precision: Graphic Data is 32-bit float. A group of ours also holds the exact corners as text
 * (codes.ts `exactBox`); they are used when each rounds to the float in the polyline, so our own
 * reports round-trip exactly and a polyline edited elsewhere still wins. Without them, each coordinate is
 * read as the shortest decimal that rounds to the same float32: exact for coordinates written with up to
 * 6 significant digits (123.456), otherwise within half a float32 step (under 3.1e-5 px below 512).
 *
 * Anything this cannot read as such boxes is refused whole, with the file and the reason.
 */
import type { DicomPixelBox } from '../../../shared/reference/schemas';
import type { ImportBatch, ImportBox } from '../../../shared/exchange/importBatch';
import { CODES, describeCode, labelForFinding, sameConcept, type Code } from './codes';
import { readPart10, type DicomItem } from './dcmjsSr';

/** The SR storage classes a TID 1500 report may be stored as (PS3.4 B.5). */
const SR_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.88.11', // Basic Text SR
  '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced SR
  '1.2.840.10008.5.1.4.1.1.88.33', // Comprehensive SR
  '1.2.840.10008.5.1.4.1.1.88.34', // Comprehensive 3D SR
  '1.2.840.10008.5.1.4.1.1.88.35', // Extensible SR
]);

/** A reason to refuse the file, said without the file name (readSr adds it). */
class Refusal extends Error {}

function codeOf(item: DicomItem | undefined): Code | null {
  if (!item) return null;
  const value = item.string('CodeValue') ?? item.string('LongCodeValue') ?? item.string('URNCodeValue');
  const scheme = item.string('CodingSchemeDesignator') ?? '';
  if (value === null) return null;
  return { value, scheme, meaning: item.string('CodeMeaning') ?? '' };
}

const conceptOf = (item: DicomItem): Code | null => codeOf(item.items('ConceptNameCodeSequence')[0]);

function is(item: DicomItem, valueType: string, concept: Code): boolean {
  const name = conceptOf(item);
  return item.string('ValueType') === valueType && name !== null && sameConcept(name, concept);
}

const children = (item: DicomItem): DicomItem[] => item.items('ContentSequence');

/** Person Observer Name items directly under `item`, as written (trailing empty components dropped). */
function observerName(item: DicomItem): string | null {
  for (const child of children(item)) {
    if (child.string('RelationshipType') !== 'HAS OBS CONTEXT') continue;
    if (!is(child, 'PNAME', CODES.personObserverName)) continue;
    const name = child.string('PersonName')?.replace(/[=^\s]+$/, '');
    if (name) return name;
  }
  return null;
}

/** ISO 8601 of a DICOM DT (YYYYMMDDHHMMSS[.F{1,6}][&ZZXX]); no offset reads as UTC. */
function isoOfDateTime(dt: string | null): string | null {
  const m = dt?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?([+-]\d{4})?$/);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', offset = '+0000'] = m;
  const ms = fraction.padEnd(3, '0').slice(0, 3);
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset.slice(0, 3)}:${offset.slice(3)}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The shortest decimal that rounds to the same 32-bit float (what FL Graphic Data holds). */
function float32Decimal(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Corners of an axis-aligned rectangle drawn as a closed polyline; refuses any other shape. */
function rectangleOf(scoord: DicomItem): [number, number, number, number] {
  const type = scoord.string('GraphicType');
  if (type !== 'POLYLINE' && type !== 'POLYGON') {
    throw new Refusal(`its Image Region is a ${type ?? 'SCOORD without Graphic Type'}, not a rectangle`);
  }
  const data = scoord.numbers('GraphicData');
  if (data.some((v) => !Number.isFinite(v)))
    throw new Refusal('its Image Region has a coordinate that is not a number');
  const points: [number, number][] = [];
  for (let i = 0; i + 1 < data.length; i += 2) points.push([data[i] as number, data[i + 1] as number]);
  const first = points[0];
  const last = points.at(-1);
  // A POLYGON is closed by definition; a POLYLINE must return to its first point.
  const closed = points.length === 5 && first && last && first[0] === last[0] && first[1] === last[1];
  const corners = closed ? points.slice(0, 4) : type === 'POLYGON' && points.length === 4 ? points : null;
  if (data.length % 2 !== 0 || !corners) {
    throw new Refusal(
      `its Image Region ${type} has ${data.length / 2} points; a rectangle is 5 (the first repeated last)`,
    );
  }
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = corners[i] as [number, number];
    const [bx, by] = corners[(i + 1) % 4] as [number, number];
    if ((ax === bx) === (ay === by)) {
      throw new Refusal(
        `its Image Region is not an axis-aligned rectangle (edge ${i + 1} is not horizontal or vertical)`,
      );
    }
  }
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  if (new Set(xs).size !== 2 || new Set(ys).size !== 2) {
    throw new Refusal('its Image Region is not an axis-aligned rectangle');
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The exact corners a report of ours carries, when they agree with the polyline's floats. */
function exactCorners(group: DicomItem, rounded: [number, number, number, number]): number[] | null {
  const item = children(group).find((c) => is(c, 'TEXT', CODES.exactBox));
  const values = item?.string('TextValue')?.split(/\s+/).map(Number);
  if (!values || values.length !== 4 || values.some((v) => !Number.isFinite(v))) return null;
  return values.every((v, i) => Math.fround(v) === rounded[i]) ? values : null;
}

interface Context {
  reader: string | null;
  seriesOfSop: ReadonlyMap<string, string>;
}

function boxOf(group: DicomItem, place: string, context: Context): ImportBox {
  const findings = children(group).filter((c) => is(c, 'CODE', CODES.finding));
  const finding = codeOf(findings[0]?.items('ConceptCodeSequence')[0]);
  if (!finding) throw new Refusal(`it has no Finding ${describeCode(CODES.finding)} to take its label from`);
  if (findings.length > 1) throw new Refusal('it has more than one Finding');
  const label = labelForFinding(finding).trim();
  if (label === '' || label.length > 64) {
    throw new Refusal(
      `its Finding ${describeCode(finding)} has no meaning usable as a label (1–64 characters)`,
    );
  }

  const regions = children(group).filter((c) => is(c, 'SCOORD', CODES.imageRegion));
  const region = regions[0];
  if (!region)
    throw new Refusal(
      `it has no Image Region ${describeCode(CODES.imageRegion)} SCOORD (a planar rectangle)`,
    );
  if (regions.length > 1) throw new Refusal('it has more than one Image Region');
  const images = children(region).filter(
    (c) => c.string('RelationshipType') === 'SELECTED FROM' && c.string('ValueType') === 'IMAGE',
  );
  const reference = images[0]?.items('ReferencedSOPSequence')[0];
  const sopInstanceUid = reference?.string('ReferencedSOPInstanceUID');
  if (!reference || !sopInstanceUid) throw new Refusal('its Image Region names no image it is SELECTED FROM');
  if (images.length > 1) throw new Refusal('its Image Region is selected from more than one image');
  const frames = reference.numbers('ReferencedFrameNumber');
  if (frames.length > 1 || (frames.length === 1 && frames[0] !== 1)) {
    throw new Refusal(
      `its Image Region lies on frame ${frames.join(', ')} of a multi-frame image (single frames only)`,
    );
  }

  const rounded = rectangleOf(region);
  // rectangleOf has seen two distinct x and two distinct y, so x1 < x2 and y1 < y2 (DicomPixelBox's rule).
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = exactCorners(group, rounded) ?? rounded.map(float32Decimal);
  const box: DicomPixelBox = { space: 'dicom-pixel', x1, y1, x2, y2 };
  return {
    place,
    reader: observerName(group) ?? context.reader,
    sopInstanceUid,
    seriesInstanceUid: context.seriesOfSop.get(sopInstanceUid) ?? null,
    label,
    box,
    createdAt: null,
    updatedAt: isoOfDateTime(group.string('ObservationDateTime')),
  };
}

/** SOP instance → series, from the evidence sequences (where the series of a referenced image is said). */
function seriesBySop(dataset: DicomItem): Map<string, string> {
  const map = new Map<string, string>();
  for (const keyword of ['CurrentRequestedProcedureEvidenceSequence', 'PertinentOtherEvidenceSequence']) {
    for (const study of dataset.items(keyword)) {
      for (const series of study.items('ReferencedSeriesSequence')) {
        const uid = series.string('SeriesInstanceUID');
        if (!uid) continue;
        for (const sop of series.items('ReferencedSOPSequence')) {
          const instance = sop.string('ReferencedSOPInstanceUID');
          if (instance) map.set(instance, uid);
        }
      }
    }
  }
  return map;
}

function batchOf(bytes: Uint8Array, file: string): ImportBatch {
  const { meta, dataset } = readPart10(bytes);
  const sopClass = dataset.string('SOPClassUID') ?? meta.string('MediaStorageSOPClassUID');
  if (sopClass === null || !SR_SOP_CLASSES.has(sopClass)) {
    throw new Refusal(`not a DICOM structured report (SOP class ${sopClass ?? 'missing'})`);
  }
  const title = conceptOf(dataset);
  if (
    dataset.string('ValueType') !== 'CONTAINER' ||
    !title ||
    !sameConcept(title, CODES.imagingMeasurementReport)
  ) {
    throw new Refusal(
      `no TID 1500 content: the document is ${title ? describeCode(title) : 'untitled'}, not ${describeCode(CODES.imagingMeasurementReport)}`,
    );
  }
  const measurements = children(dataset).filter((c) => is(c, 'CONTAINER', CODES.imagingMeasurements));
  if (measurements.length === 0) {
    throw new Refusal(`no TID 1500 content: no ${describeCode(CODES.imagingMeasurements)} container`);
  }
  const context: Context = { reader: observerName(dataset), seriesOfSop: seriesBySop(dataset) };
  const boxes: ImportBox[] = [];
  let n = 0;
  for (const container of measurements) {
    for (const group of children(container)) {
      if (!is(group, 'CONTAINER', CODES.measurementGroup)) continue;
      const place = `measurement group ${++n}`;
      try {
        boxes.push(boxOf(group, place, context));
      } catch (error) {
        if (error instanceof Refusal) throw new Refusal(`${place}: ${error.message}`);
        throw error;
      }
    }
  }
  return {
    format: 'sr',
    source: file,
    labels: [...new Set(boxes.map((b) => b.label))],
    boxes,
    cases: [],
    folds: null,
    runs: [],
  };
}

/**
 * Reads an SR file written by us (or any TID 1500 report with planar ROI rectangles as closed 5-point
 * POLYLINE/POLYGON SCOORDs on single-frame images) into an ImportBatch (format 'sr'). Throws an Error
 * naming `file` and the reason for anything else; never another kind of exception.
 */
export function readSr(bytes: Uint8Array, file: string): ImportBatch {
  try {
    return batchOf(bytes, file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${reason}`, { cause: error });
  }
}
