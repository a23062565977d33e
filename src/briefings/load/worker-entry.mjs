// Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader the main
// thread was started with (Node 20), so when the worker module is TypeScript source, register tsx
// here first.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
