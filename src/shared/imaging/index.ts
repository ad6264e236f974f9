// The imaging core: pure, framework-free functions shared by the viewer, the model pipeline and tests.
export * from './geometry';
export * from './keymap';
export * from './sliceLoader';
export * from './threeSlice';
export * from './viewport';
export * from './window';
