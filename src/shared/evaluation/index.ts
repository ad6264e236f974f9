// The evaluator: one model's detections against readers' ground truth, as pycocotools (matching, AP)
// and nnDetection (FROC) compute them, plus the paper's protocol (operating point, patient bootstrap,
// cross-validation by patient). Pure functions over columnar inputs (types.ts).
export * from './types';
export { evalInput, subsetByImages, subsetByPatients, checkEvalInput } from './input';
export { iou, iouAt } from './iou';
export { matchPredictions, applyCap, CAPPED, UNMATCHED, type Matching } from './match';
export { operatingPoint, operatingPointFromCounts } from './operatingPoint';
export {
  averagePrecisionFromCumulative,
  averagePrecisionRanked,
  EPS,
  RECALL_THRESHOLDS,
} from './averagePrecision';
export { frocFromGroups, frocSensitivities, type FrocGroups } from './froc';
export { evaluate } from './evaluate';
export { prepareEvaluation, type PerImageCounts, type PreparedEvaluation } from './prepared';
export { bootstrap, percentileInterval, FROC_BAND_POINTS, type BootstrapOptions } from './bootstrap';
export { assignFolds, crossValidate, meanSd } from './folds';
export { cocoToEvalInput } from './coco';
export { mulberry32 } from './random';
export {
  PAPER_PATCH_MM,
  patchWindowsAround,
  toPatchUnits,
  type PatchWindow,
  type SliceGeometry,
} from './patches';
