/**
 * The coded concepts of our TID 1500 measurement reports (PS3.16), and the two-way mapping between a
 * workspace label and the Finding (121071, DCM) code that stands for it.
 *
 * Labels: "DVT" is written as SNOMED CT 128053003 "Deep venous thrombosis", a code any SR viewer knows,
 * and that code reads back as "DVT". Every other label gets a code of our own coding scheme "99DVT" (the
 * "99" prefix marks a private scheme, PS3.16 8.2) with the label itself as its meaning, so it reads back
 * exactly; any other scheme's code reads back as its meaning.
 */
import { createHash } from 'node:crypto';

export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** Our private coding scheme, declared in the Coding Scheme Identification Sequence of every report. */
export const PRIVATE_SCHEME = {
  designator: '99DVT',
  name: 'DVT Workstation labels and concepts',
  organization: 'DVT Workstation',
} as const;

const dcm = (value: string, meaning: string): Code => ({ value, scheme: 'DCM', meaning });

export const CODES = {
  imagingMeasurementReport: dcm('126000', 'Imaging Measurement Report'),
  languageOfContent: dcm('121049', 'Language of Content Item and Descendants'),
  /** CID 5000 Languages, in its current RFC 5646 form. */
  englishUnitedStates: { value: 'en-US', scheme: 'RFC5646', meaning: 'English (United States)' },
  observerType: dcm('121005', 'Observer Type'),
  person: dcm('121006', 'Person'),
  personObserverName: dcm('121008', 'Person Observer Name'),
  procedureReported: dcm('121058', 'Procedure reported'),
  /**
   * LOINC 36831-6 "CTA Lower extremity vessels W contrast IV" (long name "Lower extremity vessels CT
   * angiogram W contrast IV"): the LECTA examination the boxes are drawn on. CID 100 is extensible, and
   * its only CT entry (25045-6, CT unspecified body region) says less.
   */
  ctaLowerExtremity: { value: '36831-6', scheme: 'LN', meaning: 'CTA Lower extremity vessels W contrast IV' },
  imageLibrary: dcm('111028', 'Image Library'),
  imageLibraryGroup: dcm('126200', 'Image Library Group'),
  imagingMeasurements: dcm('126010', 'Imaging Measurements'),
  measurementGroup: dcm('125007', 'Measurement Group'),
  trackingIdentifier: dcm('112039', 'Tracking Identifier'),
  trackingUniqueIdentifier: dcm('112040', 'Tracking Unique Identifier'),
  finding: dcm('121071', 'Finding'),
  imageRegion: dcm('111030', 'Image Region'),
  deepVenousThrombosis: { value: '128053003', scheme: 'SCT', meaning: 'Deep venous thrombosis' },
  /**
   * Our own concept for the box's exact corners ("x1 y1 x2 y2" as JavaScript writes numbers): Graphic
   * Data is 32-bit float, which cannot hold every coordinate a reader draws (see readSr.ts).
   */
  exactBox: {
    value: 'EXACT_BOX',
    scheme: PRIVATE_SCHEME.designator,
    meaning: 'Box in continuous pixel coordinates',
  },
} as const satisfies Record<string, Code>;

/** The workspace label whose Finding is SNOMED CT "Deep venous thrombosis". */
export const DVT_LABEL = 'DVT';

const SH_MAX = 16;

/**
 * A private code for a label: "L_" and the label in capitals when that fits a Short String, else "L_" and
 * a hash of the label (labels in other scripts, long labels). The same label always gets the same code,
 * in every workspace.
 */
function privateLabelCode(label: string): string {
  const slug = label
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug.length > 0 && slug.length + 2 <= SH_MAX) return `L_${slug}`;
  return `L_${createHash('sha256')
    .update(label)
    .digest('hex')
    .slice(0, SH_MAX - 2)}`;
}

export function findingForLabel(label: string): Code {
  if (label === DVT_LABEL) return CODES.deepVenousThrombosis;
  return { value: privateLabelCode(label), scheme: PRIVATE_SCHEME.designator, meaning: label };
}

/** The label a Finding code stands for: "DVT" for SNOMED CT's DVT, else the code's meaning. */
export function labelForFinding(code: Code): string {
  const dvt = CODES.deepVenousThrombosis;
  if (code.scheme === dvt.scheme && code.value === dvt.value) return DVT_LABEL;
  return code.meaning;
}

export const sameConcept = (a: Code, b: Code): boolean => a.value === b.value && a.scheme === b.scheme;

export const describeCode = (c: Code): string => `(${c.value}, ${c.scheme}, "${c.meaning}")`;
