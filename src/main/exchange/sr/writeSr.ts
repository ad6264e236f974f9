/**
 * One reader's boxes on one series as a DICOM Comprehensive SR document holding a TID 1500 Imaging
 * Measurement Report: one TID 1410 Planar ROI Measurement Group per box, its rectangle a closed 5-point
 * POLYLINE in (column, row) image coordinates, SELECTED FROM the slice it lies on.
 *
 * Coordinates need no conversion: SCOORD's image coordinates put (0, 0) at the top-left corner of the
 * top-left pixel (PS3.3 C.18.6.1.2), the same frame as our dicom-pixel boxes. Graphic Data is 32-bit
 * float, so each group also carries the exact corners in a TEXT item of our own concept (codes.ts
 * `exactBox`); readSr.ts prefers it while it agrees with the polyline.
 *
 * Content tree (relationship, value type, concept):
 *   CONTAINER Imaging Measurement Report (TID 1500)
 *     HAS CONCEPT MOD  CODE    Language of Content = en-US
 *     HAS OBS CONTEXT  CODE    Observer Type = Person
 *     HAS OBS CONTEXT  PNAME   Person Observer Name = the reader
 *     HAS CONCEPT MOD  CODE    Procedure reported = CTA lower extremity vessels
 *     CONTAINS         CONTAINER Image Library > CONTAINER Image Library Group > IMAGE per boxed slice
 *     CONTAINS         CONTAINER Imaging Measurements
 *       CONTAINS       CONTAINER Measurement Group (TID 1410), one per box
 *         HAS OBS CONTEXT  TEXT    Tracking Identifier; UIDREF Tracking Unique Identifier
 *         CONTAINS         CODE    Finding = the label (codes.ts)
 *         CONTAINS         SCOORD  Image Region (POLYLINE) > SELECTED FROM IMAGE
 *         CONTAINS         TEXT    Box in continuous pixel coordinates (99DVT)
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AnnotationSet, SetBox, SetSeries } from '../../../shared/exchange/annotationSet';
import { CODES, PRIVATE_SCHEME, findingForLabel, type Code } from './codes';
import { writePart10, type DicomDataset } from './dcmjsSr';

export const COMPREHENSIVE_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.33';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Names this writer in the file meta information (a fixed UUID-derived UID of its own). */
export const SR_IMPLEMENTATION_CLASS_UID = '2.25.145438929723278511285172692116188012839';
const SR_IMPLEMENTATION_VERSION = 'DVTWS_SR_1';

export interface SrWriteOptions {
  /** UIDs of the new SR instance (the caller makes them, e.g. with `newUid`). */
  seriesInstanceUid: string;
  sopInstanceUid: string;
  seriesNumber: number;
  instanceNumber: number;
  /** Content date/time of the report (written in UTC, with Timezone Offset From UTC +0000). */
  now: Date;
  /** 'DVT Workstation'. */
  manufacturer: string;
  softwareVersion: string;
}

/** A UUID as a DICOM UID ("2.25." and its 128 bits in decimal, PS3.5 B.2), version bits as given. */
function uuidUid(bytes: Uint8Array, version: number): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | (version << 4);
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  return `2.25.${BigInt(`0x${Buffer.from(b).toString('hex')}`).toString(10)}`;
}

/** A new random UID ('2.25.' + a version-4 UUID in decimal). */
export function newUid(): string {
  return uuidUid(randomBytes(16), 4);
}

/** A UID that follows from a name (a version-8 UUID from SHA-256), so the same report has the same bytes. */
function nameUid(name: string): string {
  return uuidUid(createHash('sha256').update(name).digest(), 8);
}

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
function checkUid(uid: string, what: string): void {
  if (uid.length > 64 || !UID.test(uid)) throw new Error(`${what} "${uid}" is not a DICOM UID`);
}

// --- values --------------------------------------------------------------------------------------

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const dicomDate = (d: Date): string =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const dicomTime = (d: Date): string =>
  `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
/** DT in UTC with its offset, or null for a time that is not a date (kept out rather than guessed). */
function dicomDateTime(iso: string): string | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : `${dicomDate(d)}${dicomTime(d)}+0000`;
}

/** A source value kept only when it has the VR's form (the set holds what the images said). */
const ifForm = (value: string, form: RegExp): string => (form.test(value) ? value : '');
const DA = /^\d{8}$/;
const TM = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;
const SEX = /^[MFO]$/;

/**
 * The reader's name as a Person Name's family-name component: PN's delimiters (^ = \) become spaces
 * and it is cut to fit the 64 characters of a component group, so an ordinary name is written as it is.
 * The trailing "^" marks it as a component (to dciodvfy, a name with spaces and no "^" is the retired
 * pre-1993 form); readSr drops trailing empty components.
 */
function personName(reader: string): string {
  const name = reader
    .replace(/[\\^=]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 63) // and the "^": 64
    .trim();
  if (name === '') throw new Error(`reader "${reader}" cannot be written as a DICOM person name`);
  return `${name}^`;
}

// --- content items -------------------------------------------------------------------------------

type Relationship = 'CONTAINS' | 'HAS OBS CONTEXT' | 'HAS CONCEPT MOD' | 'SELECTED FROM';

const codeItem = (c: Code): DicomDataset => ({
  CodeValue: c.value,
  CodingSchemeDesignator: c.scheme,
  CodeMeaning: c.meaning,
});

const item = (
  relationship: Relationship,
  valueType: string,
  concept: Code | null,
  rest: DicomDataset,
): DicomDataset => ({
  RelationshipType: relationship,
  ValueType: valueType,
  ...(concept ? { ConceptNameCodeSequence: [codeItem(concept)] } : {}),
  ...rest,
});

const template = (id: string): DicomDataset => ({
  ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: id }],
});

function container(
  relationship: Relationship,
  concept: Code,
  children: DicomDataset[],
  extra: DicomDataset = {},
): DicomDataset {
  return item(relationship, 'CONTAINER', concept, {
    ContinuityOfContent: 'SEPARATE',
    ...extra,
    ...(children.length > 0 ? { ContentSequence: children } : {}),
  });
}

const code = (relationship: Relationship, concept: Code, value: Code): DicomDataset =>
  item(relationship, 'CODE', concept, { ConceptCodeSequence: [codeItem(value)] });
const text = (relationship: Relationship, concept: Code, value: string): DicomDataset =>
  item(relationship, 'TEXT', concept, { TextValue: value });

interface ImageRef {
  sopClassUid: string;
  sopInstanceUid: string;
}
const image = (relationship: Relationship, ref: ImageRef): DicomDataset =>
  item(relationship, 'IMAGE', null, {
    ReferencedSOPSequence: [
      { ReferencedSOPClassUID: ref.sopClassUid, ReferencedSOPInstanceUID: ref.sopInstanceUid },
    ],
  });

/** The rectangle as a closed POLYLINE, (column, row) pairs clockwise from the top-left corner. */
function rectangle(box: SetBox['box']): number[] {
  const { x1, y1, x2, y2 } = box;
  return [x1, y1, x2, y1, x2, y2, x1, y2, x1, y1];
}

function measurementGroup(box: SetBox, index: number, series: SetSeries, reportUid: string): DicomDataset {
  const ref = { sopClassUid: series.sopClassUid, sopInstanceUid: box.sopInstanceUid };
  const { x1, y1, x2, y2 } = box.box;
  const observed = dicomDateTime(box.updatedAt);
  return container(
    'CONTAINS',
    CODES.measurementGroup,
    [
      text(
        'HAS OBS CONTEXT',
        CODES.trackingIdentifier,
        `${box.label} box ${index} on slice ${box.sliceIndex + 1}`,
      ),
      item('HAS OBS CONTEXT', 'UIDREF', CODES.trackingUniqueIdentifier, {
        UID: nameUid(`${reportUid}/box/${index}`),
      }),
      code('CONTAINS', CODES.finding, findingForLabel(box.label)),
      item('CONTAINS', 'SCOORD', CODES.imageRegion, {
        GraphicType: 'POLYLINE',
        GraphicData: rectangle(box.box),
        ContentSequence: [image('SELECTED FROM', ref)],
      }),
      text('CONTAINS', CODES.exactBox, [x1, y1, x2, y2].map(String).join(' ')),
    ],
    // Observation DateTime: when this content item was completed, i.e. the box's last edit.
    { ...template('1410'), ...(observed ? { ObservationDateTime: observed } : {}) },
  );
}

/** One SR document: one reader's boxes on one series of the set. Throws if the series is unknown to the set. */
export function writeSeriesSr(
  set: AnnotationSet,
  seriesInstanceUid: string,
  reader: string,
  options: SrWriteOptions,
): Uint8Array {
  const series = set.series.find((s) => s.seriesInstanceUid === seriesInstanceUid);
  if (!series) throw new Error(`series ${seriesInstanceUid} is not in the annotation set`);
  const patient = set.patients.find((p) => p.id === series.patientId);
  if (!patient)
    throw new Error(
      `patient ${series.patientId} of series ${seriesInstanceUid} is not in the annotation set`,
    );
  checkUid(options.seriesInstanceUid, 'the report series UID');
  checkUid(options.sopInstanceUid, 'the report SOP instance UID');
  for (const [what, n] of [
    ['series number', options.seriesNumber],
    ['instance number', options.instanceNumber],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31 - 1)
      throw new Error(`${what} ${n} is not a DICOM IS value`);
  }
  if (Number.isNaN(options.now.getTime())) throw new Error('the report time is not a valid date');

  const slices = new Map(series.slices.map((s) => [s.sopInstanceUid, s.index]));
  // Anatomical order, then the set's order: a viewer lists the groups top to bottom.
  const boxes = set.boxes
    .filter((b) => b.seriesInstanceUid === seriesInstanceUid && b.reader === reader)
    .map((b, order) => ({ b, order }))
    .sort((p, q) => p.b.sliceIndex - q.b.sliceIndex || p.order - q.order)
    .map(({ b }) => b);
  for (const b of boxes) {
    if (!slices.has(b.sopInstanceUid)) {
      throw new Error(
        `a box of ${reader} names slice ${b.sopInstanceUid}, which is not in series ${seriesInstanceUid}`,
      );
    }
  }
  const boxedSlices = [...new Set(boxes.map((b) => b.sopInstanceUid))];
  const ref = (sopInstanceUid: string): ImageRef => ({ sopClassUid: series.sopClassUid, sopInstanceUid });

  const content: DicomDataset[] = [
    code('HAS CONCEPT MOD', CODES.languageOfContent, CODES.englishUnitedStates),
    code('HAS OBS CONTEXT', CODES.observerType, CODES.person),
    item('HAS OBS CONTEXT', 'PNAME', CODES.personObserverName, { PersonName: personName(reader) }),
    code('HAS CONCEPT MOD', CODES.procedureReported, CODES.ctaLowerExtremity),
    ...(boxedSlices.length > 0
      ? [
          container('CONTAINS', CODES.imageLibrary, [
            container(
              'CONTAINS',
              CODES.imageLibraryGroup,
              boxedSlices.map((sop) => image('CONTAINS', ref(sop))),
            ),
          ]),
        ]
      : []),
    container(
      'CONTAINS',
      CODES.imagingMeasurements,
      boxes.map((b, i) => measurementGroup(b, i + 1, series, options.sopInstanceUid)),
    ),
  ];

  const now = options.now;
  const dataset: DicomDataset = {
    // SOP Common
    SpecificCharacterSet: 'ISO_IR 192', // dcmjs writes all text as UTF-8
    InstanceCreationDate: dicomDate(now),
    InstanceCreationTime: dicomTime(now),
    SOPClassUID: COMPREHENSIVE_SR_STORAGE,
    SOPInstanceUID: options.sopInstanceUid,
    TimezoneOffsetFromUTC: '+0000',
    CodingSchemeIdentificationSequence: [
      {
        CodingSchemeDesignator: PRIVATE_SCHEME.designator,
        CodingSchemeName: PRIVATE_SCHEME.name,
        CodingSchemeResponsibleOrganization: PRIVATE_SCHEME.organization,
      },
    ],
    // Patient (already pseudonymised or emptied when the set is de-identified)
    PatientName: patient.name,
    PatientID: patient.id,
    PatientBirthDate: ifForm(patient.birthDate, DA),
    PatientSex: ifForm(patient.sex, SEX),
    ...(set.deidentified
      ? {
          PatientIdentityRemoved: 'YES',
          DeidentificationMethod: 'DVT Workstation export: PS3.15 basic profile',
        }
      : {}),
    // General Study
    StudyInstanceUID: series.studyInstanceUid,
    StudyDate: ifForm(series.studyDate, DA),
    StudyTime: ifForm(series.studyTime, TM),
    ReferringPhysicianName: '',
    StudyID: '',
    AccessionNumber: series.accessionNumber,
    ...(series.studyDescription ? { StudyDescription: series.studyDescription } : {}),
    // SR Document Series
    Modality: 'SR',
    SeriesInstanceUID: options.seriesInstanceUid,
    SeriesNumber: String(options.seriesNumber),
    SeriesDate: dicomDate(now),
    SeriesTime: dicomTime(now),
    SeriesDescription: 'Readers boxes (TID 1500)',
    ReferencedPerformedProcedureStepSequence: [],
    // General Equipment
    Manufacturer: options.manufacturer,
    SoftwareVersions: options.softwareVersion,
    // SR Document General
    InstanceNumber: String(options.instanceNumber),
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ContentDate: dicomDate(now),
    ContentTime: dicomTime(now),
    PerformedProcedureCodeSequence: [],
    // Every slice of the series is evidence: the reader read them all, boxes or not.
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: series.studyInstanceUid,
        ReferencedSeriesSequence: [
          {
            SeriesInstanceUID: series.seriesInstanceUid,
            ReferencedSOPSequence: series.slices.map((s) => ({
              ReferencedSOPClassUID: series.sopClassUid,
              ReferencedSOPInstanceUID: s.sopInstanceUid,
            })),
          },
        ],
      },
    ],
    // SR Document Content: the root CONTAINER
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [codeItem(CODES.imagingMeasurementReport)],
    ContinuityOfContent: 'SEPARATE',
    ...template('1500'),
    ContentSequence: content,
  };

  return writePart10(
    {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: COMPREHENSIVE_SR_STORAGE,
      MediaStorageSOPInstanceUID: options.sopInstanceUid,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: SR_IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: SR_IMPLEMENTATION_VERSION,
    },
    dataset,
  );
}
