import { randomBytes } from 'node:crypto';

/**
 * Lists written as mParticle sent them. A mapping that forwards the events unchanged
 * (`events: asSent(request.events)`, lambda/integration/mapping.ts) has the writer copy their text from the
 * request instead of writing the tree again, which costs about as much as reading it. Only a list the
 * request's checks kept whole and changed nothing in has a text (parse.ts: no event skipped or dropped, no
 * number turned into a string); any other list, and one from a value someone else parsed, is written from
 * the tree as before. The text is the request's own: every number as written (docs/firehose-protocol.md,
 * "Numbers"), members in the order sent, any spaces between them kept.
 */

/** Lists read from a request's text → their text. */
const texts = new WeakMap<object, string>();

/** Notes the text of a list parseFirehoseRequest read, which its checks kept whole and unchanged. */
export function rememberListText(list: object, text: string): void {
  texts.set(list, text);
}

/**
 * A body field for `list`, which the kit's writer (stringifyJson) writes as the text the request had for
 * it, when it has one, and any other JSON.stringify writes as the list. Only for a list the mapping has not
 * changed: the text is what was sent, not what the list holds now.
 */
export function asSent(list: readonly unknown[]): unknown {
  const text = texts.get(list);
  // A lone surrogate would go out raw, where JSON.stringify escapes it (UTF-8 cannot carry it). Checked here,
  // not when the text is noted, so that a mapping that never asks does not pay a pass over it.
  return text === undefined || !(text as unknown as { isWellFormed(): boolean }).isWellFormed()
    ? list
    : new SentList(list, text);
}

/** Marks a sent list in the output until its text replaces it; a per-process value nobody can guess. */
const MARK = `~sent~${randomBytes(12).toString('base64url')}~`;

/** The texts of the sent lists met by the write under way, in output order (undefined: none under way). */
let pending: string[] | undefined;

class SentList {
  constructor(
    private readonly list: readonly unknown[],
    private readonly text: string,
  ) {}

  toJSON(): unknown {
    if (pending === undefined) return this.list;
    pending.push(this.text);
    return `${MARK}${pending.length - 1}`;
  }
}

/** Runs `write` (one JSON.stringify) with sent lists written as marks, then puts their texts in their place. */
export function writeSentLists(write: () => string): string {
  const outer = pending;
  const lists: string[] = [];
  pending = lists;
  let text: string;
  try {
    text = write();
  } finally {
    pending = outer;
  }
  if (lists.length === 0 || text === undefined) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < lists.length; i++) {
    const quoted = `"${MARK}${i}"`;
    const at = text.indexOf(quoted, from);
    // A mark that did not reach the output (a toJSON of the data's own wrote it elsewhere): write the
    // lists from the tree instead.
    if (at < 0) return writeFromTree(write);
    out += text.slice(from, at) + lists[i];
    from = at + quoted.length;
  }
  return out + text.slice(from);
}

function writeFromTree(write: () => string): string {
  const outer = pending;
  pending = undefined;
  try {
    return write();
  } finally {
    pending = outer;
  }
}
