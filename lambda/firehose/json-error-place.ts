import { parse as parseLossless } from 'lossless-json';

/**
 * Where a text stops being JSON, as `line 3 column 14, position 52` (line and column count from 1, the
 * position from 0), for an error a person fixes in an editor. Node's own message gives a position only for
 * some mistakes, so the rest are located by lossless-json's parser; it runs only on text already refused.
 * Never quotes the text: it may hold secrets.
 */
export function jsonErrorPlace(text: string, cause: unknown): string | undefined {
  const position = positionIn(cause) ?? positionOfLosslessError(text);
  if (position === undefined) return undefined;
  const before = text.slice(0, Math.min(position, text.length));
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line} column ${column}, position ${position}`;
}

function positionIn(error: unknown): number | undefined {
  const found = /position (\d+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
  return found === undefined ? undefined : Number(found);
}

function positionOfLosslessError(text: string): number | undefined {
  try {
    parseLossless(text);
    return undefined;
  } catch (error) {
    return positionIn(error);
  }
}
