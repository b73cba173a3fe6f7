import { runWriterThread } from './writer-thread';

// Entry module of the writer worker thread: the ledger writer with no extensions.
runWriterThread({ hooks: [], operations: {} });
