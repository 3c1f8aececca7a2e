/** A construct prop the kit cannot accept, thrown at synth time; `prop` is the path of the offending prop. */
export class ConstructPropsError extends Error {
  override readonly name = 'ConstructPropsError';

  constructor(
    readonly prop: string,
    readonly problem: string,
  ) {
    super(`${prop} ${problem}`);
  }
}
