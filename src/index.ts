// The package's library entry point.
export { checkDeployment, waitForDeployment, listMonitors, stopMonitor, pushWithRetry } from './api.js';
export type { Evaluation, MonitorEntry, StopResult, RepoOptions, PushResult, PushReport } from './api.js';
export type { StatusRecord, DeployState, SourceName } from './core/statusRecord.js';
export { EXIT, EXIT_CODES } from './core/exitCodes.js';
