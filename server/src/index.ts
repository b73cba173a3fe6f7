/**
 * Public entry for programs that embed the event ledger server: start it, configure it and
 * register code workflows.
 */
export type { Event } from '../../contracts';
export { ConfigError, loadConfig, type ServerConfig } from './config/load-config';
export { createLogger } from './logging/create-logger';
export { startServer, type RunningServer, type StartServerOptions } from './start-server';
export {
  defineWorkflow,
  PermanentWorkflowError,
  type CodeWorkflow,
  type WorkflowContext,
  type WorkflowHandler,
} from './workflows/define-workflow';
export { defaultRetryPolicy, type RetryPolicy } from './workflows/retry-policy';
export { defaultWorkflowSettings, type WorkflowSettings } from './workflows/workflow-settings';
