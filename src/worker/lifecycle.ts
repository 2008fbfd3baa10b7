/**
 * A run's lifecycle: its statuses, the commands that move it, and the one table that says
 * which command is allowed in which status and where it leads. The worker enforces it (a
 * refused command throws `refusal()`'s sentence); the page reads it to enable its buttons.
 * No tfjs here: the page imports this module.
 */

export const RUN_STATUSES = [
  'loading', // building the trainer (warm-start checkpoint, reference model)
  'ready', // built, iteration 0 or resumed, not running
  'running',
  'pausing', // finishing the iteration in flight
  'paused',
  'stopping',
  'done', // reached config.run.iterations
  'stopped',
  'error',
  'interrupted', // the page went away mid-run; resumable from the last checkpoint
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses in which a worker holds the run's trainer. */
export const LIVE_STATUSES: readonly RunStatus[] = ['loading', 'ready', 'running', 'pausing', 'paused', 'stopping'];
export const isLive = (s: RunStatus): boolean => LIVE_STATUSES.includes(s);

export const COMMANDS = ['start', 'pause', 'step', 'stop', 'reset', 'resume', 'continue', 'evaluate', 'delete', 'rename'] as const;
export type Command = (typeof COMMANDS)[number];

type Row = Partial<Record<Command, RunStatus>>;
/**
 * A run no worker holds. 'continue' makes a new run with its config (from the warm start) and
 * leaves this one as it is: the way on for a run that cannot be resumed (see `can`).
 */
const finished = (s: RunStatus): Row => ({ reset: 'loading', resume: 'loading', continue: s, delete: s, rename: s });

/**
 * (status, command) -> the status the command leads to (its first step: 'stop' goes through
 * 'stopping', 'resume' and 'reset' through 'loading'). A missing entry is a refusal. 'delete',
 * 'rename' and 'continue' keep the status; their target is only a placeholder, see `next`.
 */
export const TRANSITIONS: Readonly<Record<RunStatus, Row>> = {
  loading: { delete: 'loading', rename: 'loading' },
  ready: { start: 'running', step: 'running', stop: 'stopping', reset: 'loading', evaluate: 'ready', delete: 'ready', rename: 'ready' },
  running: { pause: 'pausing', stop: 'stopping', delete: 'running', rename: 'running' },
  pausing: { stop: 'stopping', delete: 'pausing', rename: 'pausing' },
  paused: { start: 'running', step: 'running', stop: 'stopping', reset: 'loading', evaluate: 'paused', delete: 'paused', rename: 'paused' },
  // A second Stop while stopping: the page kills the worker rather than wait for the iteration.
  stopping: { stop: 'stopping', delete: 'stopping', rename: 'stopping' },
  done: finished('done'),
  stopped: finished('stopped'),
  error: finished('error'),
  interrupted: finished('interrupted'),
};

/** What the table reads of a run beyond its status (a StoredRun has both fields). */
export interface RunFacts {
  /** The run came from a file. */
  imported?: boolean;
  /** Iteration of its saved checkpoint; undefined when it has none. */
  checkpointIteration?: number;
}

/**
 * Resume loads the run's checkpoint and drops every record past it. An imported run has none
 * (run files carry no weights), so resuming it would restart at iteration 0 and erase all it
 * brought: refused, and 'continue' is the way on.
 */
const resumeWouldErase = (run: RunFacts | undefined): boolean => run?.imported === true && run.checkpointIteration === undefined;

/** Whether `command` is allowed in `status` (for 'resume', and for this run: pass it). */
export function can(status: RunStatus | undefined, command: Command, run?: RunFacts): boolean {
  if (command === 'resume' && resumeWouldErase(run)) return false;
  return status !== undefined && TRANSITIONS[status][command] !== undefined;
}

/** The status `command` leads to from `status`, or null when it is refused. */
export function next(status: RunStatus, command: Command): RunStatus | null {
  return TRANSITIONS[status][command] ?? null;
}

const ALLOWED_IN = (command: Command): string =>
  RUN_STATUSES.filter((s) => can(s, command))
    .map((s) => `'${s}'`)
    .join(', ');

/** The sentence a refused command is answered with. */
export function refusal(status: RunStatus, command: Command, run?: RunFacts): string {
  if (command === 'resume' && resumeWouldErase(run)) {
    return 'Cannot resume an imported run: it has no checkpoint (run files carry no weights), so resuming would restart it at iteration 0 and erase its imported metrics. Continue it as a new run instead.';
  }
  return `Cannot ${command} a run that is '${status}': ${command} is allowed only when it is ${ALLOWED_IN(command) || 'never'}.`;
}

/** Throw the refusal when `command` is not allowed in `status`. */
export function enforce(status: RunStatus, command: Command, run?: RunFacts): void {
  if (!can(status, command, run)) throw new Error(refusal(status, command, run));
}

/** What a status left in storage means for a reader: a live status whose worker is gone is interrupted. */
export function settled(stored: RunStatus, ownerAlive: boolean): RunStatus {
  return isLive(stored) && !ownerAlive ? 'interrupted' : stored;
}
