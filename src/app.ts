/** The composition root: the only place that wires concrete pieces together (see src/app/). */
export * from './app/index.js';
