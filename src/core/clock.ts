// The real clock, for the code that builds the real dependencies; tests inject a driven one.
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const realClock = { now: (): number => Date.now(), sleep: realSleep };
