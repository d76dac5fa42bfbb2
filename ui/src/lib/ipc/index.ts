// The IPC boundary: re-exports the typed commands so components import from '$lib/ipc'-style paths only.
export * from './commands';
export { ops } from './generated/ops';
export type * from './generated/types';
export * from './safety';
export * from './bundles';
export * from './files';
export * from './exchange';
