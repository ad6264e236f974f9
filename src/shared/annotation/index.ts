// Public face of ground-truth annotation for every layer: the schemas (and the coordinate convention
// documented in schemas.ts) and the pure box geometry.
export * from './schemas';
export * from './geometry';
