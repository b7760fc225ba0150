// The package's library entry point.
export {
  checkDeployment,
  waitForDeployment,
  listFollowed,
  watcherStatus,
  stopFollowing,
  stopWatcher,
  pushWithRetry,
  listMonitors,
  stopMonitor,
} from './api.js';
export type {
  Evaluation,
  FollowedCommit,
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
