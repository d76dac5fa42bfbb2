// Test-only: Tauri's IPC mocks, re-exported so that tests outside lib/ipc need not import @tauri-apps/* either.
export { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
