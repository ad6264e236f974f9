/**
 * Input that passed the contract's schema but not main's checks against the workspace (a box outside
 * its image, a label not in the list, an edit of a locked case…). `dispatch` answers it as an
 * 'invalid-input' result carrying the message, which is written for the user.
 */
export class InvalidInputError extends Error {}

/** A series, slice, box or reader the workspace does not have: answered as a 'not-found' result. */
export class NotFoundError extends Error {}
