#!/usr/bin/env node
// The package's `events` command: registers tsx's ESM loader in this process, then runs the
// TypeScript entry, so the command works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli/main.ts');
