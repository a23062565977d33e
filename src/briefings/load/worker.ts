/**
 * Worker thread: checks batches of briefing files and answers with one JSON string per batch.
 * JSON, not the objects themselves: for this shape of data the main thread's JSON.parse measured
 * several times cheaper than deserialising a structured clone, and it leaves the main thread's
 * strings compact instead of slices that pin each file's whole text.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CheckOptions, checkFileSync, type FileTask } from './file-task.js';

export interface BatchRequest {
  id: number;
  tasks: FileTask[];
}

export type WorkerMessage = { type: 'ready' } | { type: 'done'; id: number; json: string };

const port = parentPort;
if (!port) throw new Error('the briefing check worker must run in a worker thread');
const options = (workerData as { options?: CheckOptions } | undefined)?.options ?? {};

port.on('message', ({ id, tasks }: BatchRequest) => {
  const json = JSON.stringify(tasks.map((task) => checkFileSync(task, options)));
  port.postMessage({ type: 'done', id, json } satisfies WorkerMessage);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
