import { workerData } from 'node:worker_threads';
import { apiKeyOperations } from '../../auth/api-key-operations';
import { createWorkflowWriterExtension } from './workflow-writer-extension';
import type { WriterThreadData } from './writer-protocol';
import { runWriterThread } from './writer-thread';

// Entry module of the writer worker thread: the ledger writer, the API key operations, and
// workflows, whose hook inserts the runs of each event in the event's own transaction.
const workflows = createWorkflowWriterExtension((workerData as WriterThreadData).databasePath);
runWriterThread({ hooks: [workflows.hook], operations: { ...apiKeyOperations, ...workflows.operations } });
