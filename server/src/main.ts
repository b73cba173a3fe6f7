import { runServer } from './run-server';

// Entry of `npm start`; the CLI's `events serve` runs the same function.
await runServer();
