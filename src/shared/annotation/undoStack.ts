// Undo and redo of box edits. Each command knows how to do and undo itself through IPC calls (create ↔
// delete, move / resize / relabel ↔ update back to the old value, delete ↔ restore); the stack only keeps
// order. A step main refuses stays where it was, so the user can fix the cause (say, reopen a done case)
// and try again.

/** The outcome of running one side of a command: ok, or main's message. */
export type StepResult = { ok: true } | { ok: false; message: string };

export interface Command {
  /** Shown in the UI ("Undo move box"). */
  readonly label: string;
  redo(): Promise<StepResult>;
  undo(): Promise<StepResult>;
}

export const DEFAULT_UNDO_DEPTH = 200;

export class UndoStack {
  private done: Command[] = [];
  private undone: Command[] = [];
  /** One step at a time: a second Ctrl+Z while the first is on its way waits for it. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly depth = DEFAULT_UNDO_DEPTH) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
  get undoLabel(): string | null {
    return this.done.at(-1)?.label ?? null;
  }
  get redoLabel(): string | null {
    return this.undone.at(-1)?.label ?? null;
  }

  /** Records a command whose effect has already happened (the edit that created it succeeded). */
  push(cmd: Command): void {
    this.done.push(cmd);
    if (this.done.length > this.depth) this.done.shift();
    this.undone = [];
  }

  /** Runs a command for the first time and records it when main took it. */
  async run(cmd: Command): Promise<StepResult> {
    return this.serial(async () => {
      const r = await cmd.redo();
      if (r.ok) this.push(cmd);
      return r;
    });
  }

  async undo(): Promise<StepResult | null> {
    return this.serial(async () => {
      const cmd = this.done.at(-1);
      if (!cmd) return null;
      const r = await cmd.undo();
      if (r.ok) {
        this.done.pop();
        this.undone.push(cmd);
      }
      return r;
    });
  }

  async redo(): Promise<StepResult | null> {
    return this.serial(async () => {
      const cmd = this.undone.at(-1);
      if (!cmd) return null;
      const r = await cmd.redo();
      if (r.ok) {
        this.undone.pop();
        this.done.push(cmd);
      }
      return r;
    });
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => undefined);
    return next;
  }
}
