// Calls one operation of the core's registry through the app's single `call` command. The generated
// `generated/ops.ts` wraps every operation in a typed function built on this.
import { call, type CallResult } from './commands';

export function invokeOp<T>(name: string, args: unknown): Promise<CallResult<T>> {
  return call<T>('call', { name, args: args ?? {} });
}
