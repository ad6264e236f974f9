export type { Detections, RawTensor } from './types';
export { generateAnchors, gridSizes, type AnchorOptions, type Anchors } from './anchors';
export { decodeKeras, decodeTorchvision, type KerasCoding, type TorchvisionCoding } from './boxCoder';
export { batchedNms, nms, nmsTensorflow, orderByScore } from './nms';
export {
  decodeOutputs,
  detectionsFromPostprocessed,
  postprocessKerasRaw,
  postprocessTorchvisionRaw,
  type KerasRawInput,
  type PostprocessedNames,
  type TorchvisionRawInput,
} from './postprocess';
