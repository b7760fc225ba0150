// The real clock, for the places that build dependencies (main.ts, the library API); tests inject their own.
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const realClock = { now: (): number => Date.now(), sleep: realSleep };
