/** Detections of one patch, best score first. */
export interface Detections {
  /** n·4: x1, y1, x2, y2 in model-input pixels (the patch grid, continuous, origin at the patch's top-left pixel corner). */
  boxes: Float32Array;
  /** n scores in [0, 1]. */
  scores: Float32Array;
  /** n class indices, as the model numbers them. */
  labels: Int32Array;
}

/** An output tensor as the inference runtime hands it over (row-major). */
export interface RawTensor {
  data: Float32Array | BigInt64Array | Int32Array | Float64Array;
  dims: readonly number[];
}
