/**
 * Saves state that changes while saves are under way: `save()` resolves once a write that includes
 * every change marked so far has finished, and writes never overlap (one in flight, the next one
 * picks up everything changed meanwhile). Used by the CLI checkpoint file and the S3 progress object.
 */
export class ProgressSaver {
  private version = 0;
  private writtenVersion = 0;
  private writing: Promise<void> | undefined;

  /** `write` must capture the state before its first await, so the text matches the version written. */
  constructor(
    private readonly write: () => Promise<void>,
    private readonly describeFailure: () => string,
  ) {}

  changed(): void {
    this.version += 1;
  }

  async save(): Promise<void> {
    const wanted = this.version;
    while (this.writtenVersion < wanted) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const writingVersion = this.version;
      this.writing = this.write().then(
        () => {
          this.writtenVersion = writingVersion;
          this.writing = undefined;
        },
        (error: unknown) => {
          this.writing = undefined;
          throw new Error(this.describeFailure(), { cause: error });
        },
      );
      await this.writing;
    }
  }
}
