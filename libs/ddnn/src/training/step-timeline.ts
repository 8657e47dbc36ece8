/**
 * Opt-in timeline of a training step's phases, for measuring where the wall time of
 * data-parallel training goes (bench/engine.timeline.ts). Off unless a caller starts it; then
 * trainModel's thread and the training threads mark their phases with absolute times
 * (performance.timeOrigin + now, comparable across threads).
 */
export type TimelineMark = [phase: string, atMs: number];

let marks: TimelineMark[] | null = null;

export const timelineNow = (): number => performance.timeOrigin + performance.now();

export function startStepTimeline(): void {
  marks = [];
}

/** Stops recording and returns the marks, sorted by time. */
export function stopStepTimeline(): TimelineMark[] {
  const recorded = marks ?? [];
  marks = null;
  return recorded.sort((a, b) => a[1] - b[1]);
}

export function timelineRecording(): boolean {
  return marks !== null;
}

export function markPhase(phase: string): void {
  marks?.push([phase, timelineNow()]);
}

/** Adds marks recorded elsewhere (a training thread's, sent with its reply). */
export function addTimelineMarks(recorded: TimelineMark[]): void {
  marks?.push(...recorded);
}
