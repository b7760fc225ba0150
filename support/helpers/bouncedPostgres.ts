// The test cluster with PgBouncer in front for a test file (the bouncer itself: support/helpers/pgbouncer.ts,
// shared with bench/).
import { after, before } from 'node:test';
import { startPgBouncer, type TestPgBouncer } from './pgbouncer.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export * from './pgbouncer.js';

/** The test cluster with a bouncer in front, started once per test file (before/after hooks registered here). */
export interface BouncedPostgres {
  pg: TestPostgres | null;
  bouncer: TestPgBouncer | null;
  /** Why the file's tests skip (no PostgreSQL or no pgbouncer outside CI), or false. */
  skip: string | false;
}

export function bouncedPostgres(): BouncedPostgres {
  const fixture: BouncedPostgres = { pg: null, bouncer: null, skip: false };
  before(async () => {
    const started = await startPostgres();
    if ('skip' in started) {
      fixture.skip = started.skip;
      return;
    }
    fixture.pg = started;
    const b = await startPgBouncer(started);
    if ('skip' in b) fixture.skip = b.skip;
    else fixture.bouncer = b;
  });
  after(async () => {
    await fixture.bouncer?.stop();
    await fixture.pg?.stop();
  });
  return fixture;
}
