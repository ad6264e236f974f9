/**
 * The sliver of dcmjs (which ships no types) that the phantom's DICOM writer uses. Only dicomWriter.ts imports dcmjs;
 * everything here is a type except the default export, which is what the package really exports.
 */
declare module 'dcmjs' {
  /** A data element in dcmjs's "denaturalized" form, keyed by its 8-hex-digit tag. */
  export interface DcmjsElement {
    vr: string;
    Value: unknown[];
  }
  export type DcmjsElements = Record<string, DcmjsElement>;

  export interface DcmjsDicomDict {
    meta: DcmjsElements;
    dict: DcmjsElements;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DcmjsElements) => DcmjsDicomDict;
      DicomMetaDictionary: {
        denaturalizeDataset(dataset: Record<string, unknown>): DcmjsElements;
      };
    };
  };
  export default dcmjs;
}
