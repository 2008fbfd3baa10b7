/**
 * Milliseconds from performance.now where the platform has it (browsers, workers, Node), else
 * the wall clock. Typed through globalThis: the engine's lib has no DOM types.
 */
export const now = (): number => (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
