// The reading rules' numbers, in a zod-free module so that the renderer can import them (its CSP
// forbids the `new Function` probe zod makes when it loads). schemas.ts re-exports them.

/** Default score above which a prediction is a suggestion (the paper's confidence threshold). */
export const DEFAULT_SUGGESTION_THRESHOLD = 0.1;

/** Reasons offered for rejecting a suggestion (the paper's false positives); free text is allowed too. */
export const REJECT_REASONS = ['flow artefact', 'lymph node', 'artery', 'other'] as const;

/** How often the viewer reports that a case is still open and visible. */
export const READING_HEARTBEAT_S = 15;
/** The longest pause counted between two events of an open case (a reader gone for lunch is not reading). */
export const READING_MAX_GAP_S = 120;

/**
 * The reader holding a synthetic cohort's known thrombi (`dvt reference-reader`; the demo has it): the
 * ground truth that runs and other readers are measured against by default.
 */
export const REFERENCE_READER_NAME = 'reference';
