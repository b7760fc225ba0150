// A line behind a line: this machine's queue first, then the team's. Only the head of the machine's line
// waits in the team's, so the team store sees one ticket per machine, and the turn is released in the
// reverse order (the team's first, so another machine may go on while this one hands over locally).
import type { EnterOptions, PushQueue, QueueKey, Turn } from './pushQueue.js';

export class ChainedPushQueue implements PushQueue {
  constructor(
    private readonly first: PushQueue,
    private readonly then: PushQueue,
  ) {}

  async enter(key: QueueKey, options: EnterOptions = {}): Promise<Turn> {
    const outer = await this.first.enter(key, options);
    let inner: Turn;
    try {
      // Pushes ahead here are other machines'; the count shown goes on from the local one.
      inner = await this.then.enter(key, options);
    } catch (error) {
      await outer.release();
      throw error;
    }
    return {
      waitedMs: outer.waitedMs + inner.waitedMs,
      aheadAtStart: outer.aheadAtStart + inner.aheadAtStart,
      release: async () => {
        await inner.release();
        await outer.release();
      },
    };
  }
}
