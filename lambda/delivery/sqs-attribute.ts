/**
 * Text SQS accepts in a string message attribute. SQS refuses a message whose body or attributes hold a
 * character outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF; the park of such a
 * message throws, and the message would be retried for days with its reason lost. Attributes are for
 * people to read, not to be parsed back, so refused characters are written as visible `\uXXXX` escapes,
 * and the text is cut after `maxChars` characters (code points: a pair is never split into a lone half).
 */
export function sqsSafeAttribute(text: string, maxChars: number): string {
  let out = '';
  let chars = 0;
  // for…of walks code points; a lone surrogate comes out on its own and is escaped below.
  for (const ch of text) {
    const piece = accepted(ch.codePointAt(0) ?? 0)
      ? ch
      : `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
    const length = piece === ch ? 1 : piece.length;
    if (chars + length > maxChars) break;
    out += piece;
    chars += length;
  }
  return out;
}

/** At most `maxChars` code points of `text`: a cut never leaves half a surrogate pair. */
export function cutOnCodePoints(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let out = '';
  let chars = 0;
  for (const ch of text) {
    if (chars++ >= maxChars) break;
    out += ch;
  }
  return out;
}

function accepted(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}
