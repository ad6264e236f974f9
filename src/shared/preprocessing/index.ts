/** The paper's preprocessing: resample → window → 1-/3-slice channels → overlapping tiles → tensor. */
export { resampleBilinear, resampleScale, resampledSize, windowPlane, type ResampledPlane } from './resample';
export { DEFAULT_TILE_STRIDE, tileGrid, tileOrigins, type TileOrigin } from './tiling';
export { channelSliceIndices, normalizationTables, patchLength, writePatch } from './patchTensor';
export { tileBoxToDicom } from './boxMapping';
