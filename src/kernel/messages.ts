// All user-facing text, in one place: fixed text as constants, text with values as small functions.
// Every error says what is wrong and what to do about it. One file a topic in messages/; import from here.

export { printable, RUN } from './messages/common.js';
export * from './messages/args.js';
export * from './messages/stateDir.js';
export * from './messages/config.js';
export * from './messages/check.js';
export * from './messages/manage.js';
export * from './messages/sources.js';
export * from './messages/hook.js';
export * from './messages/push.js';
export * from './messages/digitalocean.js';
export * from './messages/watcher.js';
export * from './messages/team.js';
export * from './messages/logs.js';
export * from './messages/startFailure.js';
export * from './messages/publish.js';
