// Checking evaluation settings before use: a bad threshold would otherwise give plausible-looking but
// wrong numbers.
import type { EvalSettings } from './types';

export function checkSettings(settings: EvalSettings): EvalSettings {
  const { iouThreshold, scoreThreshold, maxDetectionsAp, frocRates } = settings;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new RangeError(`evaluation settings: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  }
  if (!Number.isFinite(scoreThreshold)) {
    throw new RangeError(`evaluation settings: scoreThreshold must be finite, got ${scoreThreshold}`);
  }
  if (maxDetectionsAp !== null && !(Number.isInteger(maxDetectionsAp) && maxDetectionsAp > 0)) {
    throw new RangeError(`evaluation settings: maxDetectionsAp must be a positive integer or null`);
  }
  if (frocRates.length === 0 || !frocRates.every((r) => Number.isFinite(r) && r > 0)) {
    throw new RangeError('evaluation settings: frocRates must be positive finite numbers (at least one)');
  }
  return { iouThreshold, scoreThreshold, maxDetectionsAp, frocRates: [...frocRates] };
}
