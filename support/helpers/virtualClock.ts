// A driven clock for several concurrent loops: time jumps to the next wake-up only when every loop
// is asleep, so loops that do real I/O (HTTP, files) in between still see a consistent virtual time.

export class VirtualClock {
  private sleepers: Array<{ at: number; wake: () => void }> = [];
  private active = 0;
  private ticking = false;

  constructor(public nowMs: number) {}

  now = (): number => this.nowMs;

  sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.sleepers.push({ at: this.nowMs + Math.max(0, ms), wake });
      this.tick();
    });

  /** Counts loops started elsewhere (inside the code under test) until `leave` is called for each. */
  enter(count = 1): void {
    this.active += count;
  }

  leave(count = 1): void {
    this.active -= count;
    this.tick();
  }

  /** Runs the loops together on this clock; resolves with their results in order. */
  async all<T>(loops: Array<() => Promise<T>>): Promise<T[]> {
    this.active += loops.length;
    return Promise.all(
      loops.map(async (loop) => {
        try {
          return await loop();
        } finally {
          this.active -= 1;
          this.tick();
        }
      }),
    );
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    // Let I/O callbacks and microtasks settle before deciding everyone is asleep.
    setTimeout(() => {
      this.ticking = false;
      if (this.sleepers.length === 0 || this.sleepers.length < this.active) return;
      const at = Math.min(...this.sleepers.map((s) => s.at));
      this.nowMs = Math.max(this.nowMs, at);
      const due = this.sleepers.filter((s) => s.at <= at);
      this.sleepers = this.sleepers.filter((s) => s.at > at);
      for (const s of due) s.wake();
    }, 1);
  }
}
