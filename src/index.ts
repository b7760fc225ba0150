// The package's library entry point.
export {
  checkDeployment,
  waitForDeployment,
  listMonitors,
  watcherStatus,
  stopMonitor,
  stopWatcher,
  pushWithRetry,
} from './api.js';
export type {
  Evaluation,
  MonitorEntry,
  StopResult,
  StopAllResult,
  WatcherStatus,
  RepoOptions,
  PushResult,
  PushReport,
} from './api.js';
export type { StatusRecord, DeployState, SourceName } from './store/statusRecord.js';
export { EXIT, EXIT_CODES } from './kernel/exitCodes.js';
