// How several apps' observations of one commit make one answer: failed (or canceled, superseded) as soon as
// one app is, success when every watched app is live with the commit, otherwise in progress at the pace of
// the least advanced app. Pure, so the rules are tested on plain values.
import * as msg from '../../kernel/messages.js';
import type { AppRef, DeployState } from '../../store/statusRecord.js';
import type { Observation } from '../source.js';

export interface AppSeen {
  app: AppRef;
  observation: Observation;
}

type Seen = Extract<Observation, { kind: 'state' }>;

/** Which ending wins when several apps end badly at once. */
const BAD_ENDS: readonly DeployState[] = ['failed', 'canceled', 'superseded'];
/** How far along an app is; the least advanced one speaks for the commit while any is in progress. */
const PROGRESS: Partial<Record<DeployState, number>> = { pending: 0, building: 1, deploying: 2, success: 3 };

/** `notes`: what the caller wants said besides (apps left out, specs it could not read). */
export function combine(seen: readonly AppSeen[], notes: readonly string[]): Observation {
  const note = (text: string) => [text, ...notes].join('; ');
  for (const end of BAD_ENDS) {
    const hit = seen.find((s) => s.observation.kind === 'state' && s.observation.state === end);
    if (hit) {
      const o = hit.observation as Seen;
      return { ...o, app: hit.app, message: note(msg.appSays(hit.app.name, o.message ?? o.phase ?? o.state)) };
    }
  }
  const down = seen.filter((s) => s.observation.kind === 'unavailable');
  if (down.length > 0) return unavailable(down);
  const states = seen.map((s) => ({ app: s.app, o: s.observation as Seen }));
  if (states.every((s) => s.o.state === 'success')) {
    const only = states.length === 1 ? states[0] : undefined;
    return {
      kind: 'state',
      state: 'success',
      phase: 'ACTIVE',
      // One deployment id stands for one app; with several, each is named in the message.
      deploymentId: only?.o.deploymentId ?? null,
      app: only?.app ?? null,
      message: note(msg.appsAllLive(states.map((s) => msg.appLive(s.app.name, s.o.deploymentId)).join(', '))),
    };
  }
  const rank = (s: (typeof states)[number]) => PROGRESS[s.o.state] ?? 0;
  const least = states.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  return {
    kind: 'state',
    state: least.o.state,
    phase: least.o.phase,
    deploymentId: least.o.deploymentId,
    app: least.app,
    message: note(states.map((s) => msg.appPhase(s.app.name, s.o.phase, s.o.message ?? null)).join(', ')),
  };
}

function unavailable(down: readonly AppSeen[]): Observation {
  const all = down.map((s) => s.observation as Extract<Observation, { kind: 'unavailable' }>);
  const waits = all.map((o) => o.retryAfterMs ?? 0).filter((ms) => ms > 0);
  return {
    kind: 'unavailable',
    reason: down.map((s, i) => msg.appSays(s.app.name, all[i]!.reason)).join('; '),
    // One app that can never answer means the commit can never be judged on every app.
    ...(all.some((o) => o.permanent) ? { permanent: true } : {}),
    ...(waits.length ? { retryAfterMs: Math.max(...waits) } : {}),
  };
}
