// Readers' ground-truth annotation in main: the SQL store, the rules, and the service behind the IPC channels.
export { annotationHandlers, annotationsOf, type AnnotationChannel } from './handlers';
export { AnnotationService } from './annotationService';
export { createAnnotationStore, type AnnotationStore } from './annotationStore';
export { CASE_LOCKED } from './rules';
