// What wakes `check --wait` on a team store: the records table's trigger notifies `<schema>_records` with
// "<project> <sha>" on every write, so a waiter that LISTENs is woken at once. Through PgBouncer in
// transaction mode LISTEN is accepted but nothing ever arrives, so the feed proves itself: it listens on a
// connection of its own and has a notification sent through the store's pool. Until that probe is heard
// the caller polls the table; heard, it is woken by NOTIFY (with a slow safety poll); not heard within
// PROBE_MS, the listening connection is closed and the caller goes on polling.
import { nodeCrypto } from '../../kernel/lazyBuiltins.js';
import type pg from 'pg';
import type { RecordFeed } from '../statusStore.js';
import { CONNECT_TIMEOUT_MS, withLibpqSsl } from './connection.js';
import { quoted } from './migrations.js';
import { timerMs } from '../../kernel/clock.js';

/** Notified, the record is still read this often: a notification lost with a dropped connection costs 5 s. */
export const NOTIFIED_POLL_MS = 5_000;
/**
 * Not notified: the record is read this often. The promise is "within 1 s of the outcome"; a 1 s poll
 * breaks it by one evaluation's round trips (2-3 queries) plus the exit, 200 ms reads 5x as often for
 * nothing the promise needs (README: team mode).
 */
export const POLLED_MS = 500;
/** How long the probe may take to come back (a direct connection hears it in a few ms; a busy machine, more). */
export const PROBE_MS = 2_000;

export const POLLED_FEED: RecordFeed = {
  notified: false,
  pollMs: POLLED_MS,
  next: null,
  probed: Promise.resolve(false),
  close: async () => undefined,
};

export interface FeedOptions {
  /** The connection to listen on (DEPLOY_WATCH_STORE_LISTEN_URL, else the store's URL). */
  url: string;
  /** The channel (`<schema>_records`, as the trigger names it) and the payload that means "this commit". */
  channel: string;
  payload: string;
  /** The listening connection's application_name (for a DBA: which commit it waits for). */
  name: string;
  /** Sends `pg_notify(channel, payload)` through the store's own connections. */
  notify(channel: string, payload: string): Promise<void>;
}

/** A feed that polls until its probe comes back, then wakes on the commit's writes; polled for good if it does not. */
export async function openRecordFeed(opts: FeedOptions): Promise<RecordFeed> {
  const { default: pgModule } = await import('pg');
  const client: pg.Client = new pgModule.Client({
    connectionString: withLibpqSsl(opts.url),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: opts.name,
  });
  // A connection that drops while waiting only loses the wake-ups: the safety poll still answers.
  client.on('error', () => undefined);
  const probe = `probe ${nodeCrypto().randomBytes(8).toString('hex')}`;
  let heardProbe: (heard: boolean) => void = () => undefined;
  const probed = new Promise<boolean>((resolve) => {
    heardProbe = resolve;
    setTimeout(() => resolve(false), PROBE_MS).unref();
  });
  // A write noticed while the caller was reading the record (no one waiting) wakes the next wait at once.
  let wake: (() => void) | null = null;
  let missed = false;
  client.on('notification', (n) => {
    if (n.channel !== opts.channel) return;
    if (n.payload === probe) heardProbe(true);
    else if (n.payload !== opts.payload) return;
    else if (wake) wake();
    else missed = true;
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Through a bouncer the LISTEN stays on whichever backend ran it: take it back (best effort).
    await client.query('unlisten *').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await client.connect();
    await client.query(`listen ${quoted(opts.channel)}`);
    await opts.notify(opts.channel, probe);
  } catch {
    // No LISTEN here (refused, cut, a bouncer that drops it): the polled feed answers the same, only later.
    await client.end().catch(() => undefined);
    return POLLED_FEED;
  }
  let notified = false;
  void probed.then((heard) => {
    notified = heard;
    if (!heard) return close();
  });
  return {
    get notified() {
      return notified;
    },
    get pollMs() {
      return notified ? NOTIFIED_POLL_MS : POLLED_MS;
    },
    probed,
    next: (ms) =>
      new Promise<void>((resolve) => {
        if (missed) {
          missed = false;
          return resolve();
        }
        const timer = setTimeout(done, timerMs(ms));
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      }),
    close,
  };
}
