/**
 * Exact numbers around a native JSON.parse (docs/firehose-protocol.md, "Numbers").
 *
 * `JSON.parse` turns every number token into a double, and writing it back prints the double's shortest
 * form: `9007199254740993` comes back as `9007199254740992`, `1.10` as `1.1`, `1e400` as `null`. The reader
 * keeps what the text said, and never guesses: it does not search the text for a value, it reads the text's
 * structure.
 *
 * 1. One pass over the text: strings skipped by `indexOf` (escapes honoured), containers on an explicit
 *    stack (no recursion, any depth), number tokens looked at without making a string. A token with at
 *    most 15 significant digits, no exponent, no trailing 0 in a fraction, not `-0` and not below 1e-6
 *    prints as written: nothing to do (the common case).
 * 2. Any other token is placed where `JSON.parse` put its value, by the keys and indexes on the way, never
 *    by value; keys are noted by position on the way and made into strings only for such tokens (read
 *    backwards from the value when spaces stand around the colon). A repeated key cancels what
 *    the earlier member placed (the last one wins, as in `JSON.parse`); integer-like or escaped keys are
 *    just keys; a subtree the schema later skips (an unknown event type) is read like any other.
 * 3. Integer tokens beyond 2^53 (and those too large for a double) become `bigint` in the tree. Any other
 *    token that prints differently keeps its double (mappings can compute with it), and its place is noted
 *    with `JSON.rawJSON(token)`, so the writer (json.ts) writes the token itself while the value is still
 *    where the reader put it.
 */

export type Key = string | number;

/** Where exact numbers live in a parsed document, for the writer and for string-typed fields. */
export interface ExactPlaces {
  readonly holders: object[];
  readonly keys: Key[];
  /** The value the reader left at `holders[i][keys[i]]`: a `bigint`, or the double of a token kept as text. */
  readonly values: (number | bigint)[];
  /** `JSON.rawJSON(token)`, ready to swap in: JSON.stringify writes it as the token itself. */
  readonly raws: RawJson[];
}

/** What `JSON.rawJSON` makes: JSON.stringify writes `rawJSON` as it is (the token, never quoted). */
export interface RawJson {
  readonly rawJSON: string;
}

const nativeRawJson = (JSON as { rawJSON?: (text: string) => RawJson }).rawJSON;

/** `JSON.rawJSON(token)` for a number token (native since Node 21; the kit needs Node 22 or later). */
export function rawJson(token: string): RawJson {
  if (nativeRawJson === undefined) throw new Error('exact numbers need Node 22 or later (JSON.rawJSON)');
  return nativeRawJson(token);
}

/** The outcome of reading a document's numbers: the root (a `bigint` when the whole text is one) and places. */
export interface ExactReading {
  readonly root: unknown;
  readonly places: ExactPlaces;
  /** Set when the whole document is one number token that prints differently from its double. */
  readonly rootToken?: string;
  /**
   * Where each list that is a member of the root object is written (start, end): the text sent for it,
   * which the writer can copy (json.ts, `asSent`). A list a repeated key replaced has the last one's text.
   */
  readonly listTexts: ReadonlyMap<object, readonly [number, number]>;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Reads the exact numbers of `text`, which `JSON.parse` has already turned into `root`. */
export function readExactNumbers(text: string, root: unknown): ExactReading {
  return new Scanner(text, root).run();
}

/** How many distinct big integer tokens of a document are looked for in place before a map is used. */
const FEW_TOKENS = 8;

/** The largest safe integer's digits: a 16-digit integer token above them is beyond 2^53. */
const MAX_SAFE_DIGITS = String(MAX_SAFE);

/** True for the digits of an integer token (from `start`, after any sign, to `end`) beyond 2^53. */
function beyondSafe(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length !== MAX_SAFE_DIGITS.length) return length > MAX_SAFE_DIGITS.length;
  // Same length: compare digit by digit (no double made: reading a long token as a double is slow).
  for (let i = 0; i < length; i++) {
    const a = text.charCodeAt(start + i);
    const b = MAX_SAFE_DIGITS.charCodeAt(i);
    if (a !== b) return a > b;
  }
  return false;
}

// The scanner's stack, one slot per open container (slot 0 is the document itself). Reused between
// documents (reading is synchronous and never re-entered) and grown as deep as a document goes.
let capacity = 64;
let isArray = new Uint8Array(capacity);
/** Arrays: the index of the current element. */
let index = new Int32Array(capacity);
/** Where the container's opening bracket is: its key, if any, is found from there. */
let open = new Int32Array(capacity);
/** 1 while the current member has recorded a token somewhere below it. */
let recorded = new Uint8Array(capacity);
/** The first record of the current member (valid while `recorded` is 1). */
let memberStart = new Int32Array(capacity);
/** 1 when an earlier member of this object recorded tokens (see `memberKeys`): later keys are compared. */
let watched = new Uint8Array(capacity);
/** Where this object's recorded members begin in `memberKeys`. */
let firstMember = new Int32Array(capacity);
/** Objects: the quotes of the current member's key, when written right before its colon. */
let keyOpen = new Int32Array(capacity);
let keyClose = new Int32Array(capacity);
/** The position `keyTexts` was read for, per slot. */
let keyAt = new Int32Array(capacity);
const containers: unknown[] = [];
const keyTexts: Key[] = [];
/**
 * The members of the open objects that recorded tokens, innermost last (an object's members are dropped
 * when it closes), so that a repeated key can cancel them: key, first record, end of records (-1 once
 * cancelled).
 */
const memberKeys: string[] = [];
const memberFrom: number[] = [];
const memberTo: number[] = [];
/** How many entries of the three lists above are in use (not `length`: truncating an array is slow). */
let memberCount = 0;

function grow(): void {
  capacity *= 2;
  const widen = <T extends Uint8Array | Int32Array>(old: T, next: T): T => {
    next.set(old);
    return next;
  };
  isArray = widen(isArray, new Uint8Array(capacity));
  index = widen(index, new Int32Array(capacity));
  open = widen(open, new Int32Array(capacity));
  recorded = widen(recorded, new Uint8Array(capacity));
  memberStart = widen(memberStart, new Int32Array(capacity));
  watched = widen(watched, new Uint8Array(capacity));
  firstMember = widen(firstMember, new Int32Array(capacity));
  keyAt = widen(keyAt, new Int32Array(capacity));
  keyOpen = widen(keyOpen, new Int32Array(capacity));
  keyClose = widen(keyClose, new Int32Array(capacity));
}

class Scanner {
  /** Slots 1..resolved of `containers` hold the parsed containers on the current path. */
  private resolved = 0;
  /** The places, in document order, filled as tokens are placed (a cancelled one is emptied). */
  private readonly places: ExactPlaces = { holders: [], keys: [], values: [], raws: [] };
  /** The double JSON.parse left at each place, put back if a repeated key cancels the place. */
  private readonly originals: unknown[] = [];
  private rootToken: string | undefined;
  private readonly listTexts = new Map<object, readonly [number, number]>();
  /** Distinct big integer tokens of this document → their index in `bigValues` and `bigRaws`. */
  private bigints: Map<string, number> | undefined;
  private readonly bigValues: bigint[] = [];
  private readonly bigRaws: RawJson[] = [];
  private lastKey = '';

  constructor(
    private readonly text: string,
    private rootValue: unknown,
  ) {}

  run(): ExactReading {
    try {
      this.scan();
    } finally {
      // Let go of the document: the stack slots would keep it alive until the next one.
      containers.length = 0;
      keyTexts.length = 0;
      memberKeys.length = 0;
      memberCount = 0;
    }
    const { places, listTexts } = this;
    return this.rootToken === undefined
      ? { root: this.rootValue, places, listTexts }
      : { root: this.rootValue, places, listTexts, rootToken: this.rootToken };
  }

  private scan(): void {
    const text = this.text;
    const n = text.length;
    let nextBackslash = text.indexOf('\\');
    if (nextBackslash < 0) nextBackslash = n;
    // The slot whose next string is a key to compare with its recorded members (0: none).
    let keyToCheck = 0;
    let d = 0;
    let p = 0;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 34 /* " */) {
        let q = text.indexOf('"', p + 1);
        const escaped = nextBackslash < q;
        if (escaped) {
          // Each backslash escapes the next character; a quote so escaped does not end the string.
          let b = nextBackslash;
          for (;;) {
            const from = b + 2;
            if (q < from) q = text.indexOf('"', from);
            b = text.indexOf('\\', from);
            if (b < 0) b = n;
            if (b > q) break;
          }
          nextBackslash = b;
        }
        if (keyToCheck !== 0) {
          this.cancelRepeated(keyToCheck, p, q, escaped);
          keyToCheck = 0;
        }
        // A key (its colon follows, in compact JSON right after it): noted where it is, read only if needed.
        const after = text.charCodeAt(q + 1);
        if (after === 58) {
          keyOpen[d] = p;
          keyClose[d] = q;
          p = q + 2;
        } else if (after === 44) {
          // A string value and its comma, the commonest pair in compact JSON: one turn of the loop.
          p = q + 2;
          if (isArray[d] === 1) index[d] = (index[d] as number) + 1;
          else if (((recorded[d] as number) | (watched[d] as number)) !== 0) keyToCheck = this.endMember(d);
        } else p = q + 1;
      } else if (c === 44 /* , */) {
        if (isArray[d] === 1) index[d] = (index[d] as number) + 1;
        else if (((recorded[d] as number) | (watched[d] as number)) !== 0) keyToCheck = this.endMember(d);
        p++;
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (++d >= capacity) grow();
        isArray[d] = c === 91 ? 1 : 0;
        index[d] = 0;
        open[d] = p;
        recorded[d] = 0;
        watched[d] = 0;
        keyClose[d] = -1; // no key noted yet (the slot may hold one from an earlier container or document)
        if (d === 1) {
          containers[1] = this.rootValue;
          this.resolved = 1;
        }
        p++;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (d === 2 && c === 93 && isArray[1] === 0) this.noteListText(p);
        if (watched[d] === 1) memberCount = firstMember[d] as number;
        if (this.resolved >= d) this.resolved = d - 1;
        d--;
        p++;
      } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
        p = this.number(p, d);
      } else {
        p++; // whitespace, `:`, and the letters of true, false, null
      }
    }
  }

  /** A list member of the root object ends at `p`: notes where its text is. */
  private noteListText(p: number): void {
    const list = this.container(2);
    // Replaced by a later member of the same key: that one's text is noted when it ends.
    if (list !== undefined) this.listTexts.set(list, [open[2] as number, p + 1]);
  }

  /** Reads the number token at `p` (in the container at depth `d`) and returns the position after it. */
  private number(p: number, d: number): number {
    const text = this.text;
    const start = p;
    if (text.charCodeAt(p) === 45) p++;
    const intStart = p;
    let c = text.charCodeAt(p);
    while (c >= 48 && c <= 57) c = text.charCodeAt(++p);
    const intEnd = p;
    const intZero = p - intStart === 1 && text.charCodeAt(intStart) === 48;
    let digits = p - intStart;
    let point = false;
    let trailingZero = false;
    let tiny = false;
    if (c === 46 /* . */) {
      point = true;
      const fracStart = p + 1;
      c = text.charCodeAt(++p);
      while (c >= 48 && c <= 57) c = text.charCodeAt(++p);
      digits += p - fracStart;
      trailingZero = text.charCodeAt(p - 1) === 48;
      tiny = intZero && p - fracStart > 6 && sixZeros(text, fracStart);
    }
    let exponent = false;
    if (c === 101 || c === 69 /* e E */) {
      exponent = true;
      c = text.charCodeAt(++p);
      if (c === 43 || c === 45) c = text.charCodeAt(++p);
      while (c >= 48 && c <= 57) c = text.charCodeAt(++p);
    }
    // Prints as written: at most 15 significant digits (a double keeps 15), no exponent, no trailing 0 in
    // a fraction, not -0, and not below 1e-6 (JavaScript prints those with an exponent). The common case,
    // decided without making a string.
    const minusZero = intZero && start < intStart && !point && !exponent;
    if (digits <= 15 && !exponent && !trailingZero && !tiny && !minusZero) return p;
    if (!point && !exponent && beyondSafe(text, intStart, intEnd)) {
      const i = this.bigint(start, p);
      this.record(d, start, this.bigValues[i] as bigint, this.bigRaws[i] as RawJson);
    } else {
      const token = text.slice(start, p);
      const value = Number(token);
      // `-0`, or a decimal whose double prints otherwise: the double stays, the token is written.
      if (String(value) !== token) this.record(d, start, value, rawJson(token));
    }
    return p;
  }

  /**
   * `BigInt(token)` and its raw JSON for the token from `start` to `end`, once per distinct token: a batch
   * repeats its session ids, BigInt is slow. Its index in `bigValues` and `bigRaws`.
   */
  private bigint(start: number, end: number): number {
    const text = this.text;
    const length = end - start;
    const raws = this.bigRaws;
    // The first few distinct tokens (a batch's few sessions) compared in place: no string cut, none hashed.
    const known = Math.min(raws.length, FEW_TOKENS);
    for (let i = 0; i < known; i++) {
      const token = (raws[i] as RawJson).rawJSON;
      if (token.length === length && textAt(text, start, token)) return i;
    }
    const token = text.slice(start, end);
    let cache = this.bigints;
    if (cache === undefined) this.bigints = cache = new Map();
    let i = cache.get(token);
    if (i === undefined) {
      i = raws.length;
      this.bigValues.push(BigInt(token));
      raws.push(rawJson(token));
      cache.set(token, i);
    }
    return i;
  }

  /** Places the token at `at` (`raw` holds it) as the value of the current member of the container at depth `d`. */
  private record(d: number, at: number, exact: number | bigint, raw: RawJson): void {
    if (d === 0) {
      this.rootToken = raw.rawJSON;
      if (typeof exact === 'bigint') this.rootValue = exact;
      return;
    }
    const holder = this.container(d);
    if (holder === undefined) return; // inside a member a repeated key replaces: nothing of it survives
    const key = this.memberKey(d, at);
    const current = (holder as Record<Key, unknown>)[key];
    // Not a number: an earlier member under a key that repeats, whose places a later one cancels anyway.
    if (typeof current !== 'number') return;
    const places = this.places;
    const r = places.holders.length;
    // Placed at once; a repeated key later in the object cancels the place (cancelRepeated).
    if (typeof exact === 'bigint') storeOwn(holder, key, exact);
    places.holders.push(holder);
    places.keys.push(key);
    places.values.push(exact);
    places.raws.push(raw);
    this.originals.push(current);
    for (let f = d; f >= 1 && recorded[f] === 0; f--) {
      recorded[f] = 1;
      memberStart[f] = r;
    }
  }

  /** The parsed container at depth `d`, found from the nearest known one by the keys on the way. */
  private container(d: number): object | undefined {
    for (let f = this.resolved; f < d; f++) {
      const parent = containers[f] as Record<Key, unknown>;
      const child = parent[this.memberKey(f, open[f + 1] as number)];
      // A container of another kind: this member is not the one JSON.parse kept (a repeated key).
      if (typeof child !== 'object' || child === null || Array.isArray(child) !== (isArray[f + 1] === 1)) {
        return undefined;
      }
      containers[f + 1] = child;
      this.resolved = f + 1;
    }
    return containers[d] as object;
  }

  /** The key (or index) in the container at depth `f` of the member whose value starts at `at`. */
  private memberKey(f: number, at: number): Key {
    if (isArray[f] === 1) return index[f] as number;
    if (keyAt[f] === at && keyTexts[f] !== undefined) return keyTexts[f] as Key;
    // The key noted on the way when the value follows its colon directly (compact JSON); else read backwards.
    const close = keyClose[f] as number;
    const key = at === close + 2 ? this.keyText(keyOpen[f] as number, close) : this.keyBefore(at);
    keyAt[f] = at;
    keyTexts[f] = key;
    return key;
  }

  /** The key of the member whose value starts at `at`: the string before the colon, read backwards. */
  private keyBefore(at: number): string {
    const text = this.text;
    let q = at - 1;
    while (text.charCodeAt(q) !== 58 /* : */) q--;
    q--;
    while (text.charCodeAt(q) !== 34 /* " */) q--;
    // The same key as last time, its opening quote not escaped (so not inside a longer key): no search.
    const last = this.lastKey;
    const before = q - last.length - 1;
    if (
      text.charCodeAt(before) === 34 &&
      text.charCodeAt(before - 1) !== 92 &&
      textAt(text, before + 1, last) &&
      last !== ''
    ) {
      return last;
    }
    // The opening quote: the first quote before that is not escaped (inside a string every quote is).
    let open = text.lastIndexOf('"', q - 1);
    while (backslashesBefore(text, open) % 2 === 1) open = text.lastIndexOf('"', open - 1);
    return this.keyText(open, q);
  }

  /** The string between the quotes at `open` and `close`, escapes decoded. */
  private keyText(open: number, close: number): string {
    const text = this.text;
    // The same key as last time (`session_id` in event after event): the same string, which V8 has
    // already hashed, so placing the value is a fast property access.
    const last = this.lastKey;
    if (last.length === close - open - 1 && textAt(text, open + 1, last)) return last;
    // Looked for within the key only: a search of the rest of the text would cost a pass per key.
    for (let p = open + 1; p < close; p++) {
      if (text.charCodeAt(p) === 92) return interned(JSON.parse(text.slice(open, close + 1)) as string);
    }
    // Only a key written without escapes is remembered: its text is the key itself.
    this.lastKey = interned(text.slice(open + 1, close));
    return this.lastKey;
  }

  /** A member of the object at depth `d` has ended (a comma): note it if it recorded; returns `d`. */
  private endMember(d: number): number {
    if (recorded[d] === 1) this.endRecordedMember(d);
    return d;
  }

  /** The current member of the object at depth `d`, which recorded tokens, has ended. */
  private endRecordedMember(d: number): void {
    recorded[d] = 0;
    if (watched[d] === 0) {
      watched[d] = 1;
      firstMember[d] = memberCount;
    }
    // Its key was read when its first token was placed (memberKey), and no other member has come since.
    memberKeys[memberCount] = keyTexts[d] as string;
    memberFrom[memberCount] = memberStart[d] as number;
    memberTo[memberCount] = this.places.holders.length;
    memberCount++;
  }

  /**
   * The key between the quotes at `open` and `close` begins a member of the watched object at depth `d`:
   * if an earlier member that recorded tokens had the same key, JSON.parse kept this one, so cancel those.
   */
  private cancelRepeated(d: number, open: number, close: number, escaped: boolean): void {
    if (watched[d] === 0) return;
    const text = this.text;
    const length = close - open - 1;
    // Without escapes the text is the key: compare in place, no string made (most keys differ in length).
    const key = escaped ? this.keyText(open, close) : undefined;
    for (let i = firstMember[d] as number; i < memberCount; i++) {
      const member = memberKeys[i] as string;
      const same = key === undefined ? member.length === length && textAt(text, open + 1, member) : member === key;
      if (!same || (memberFrom[i] as number) < 0) continue;
      this.cancel(memberFrom[i] as number, memberTo[i] as number);
      memberFrom[i] = -1;
      return;
    }
  }

  /** Cancels places [from, to): their values go back to JSON.parse's, and the writer skips them. */
  private cancel(from: number, to: number): void {
    const { holders, keys, values } = this.places;
    for (let r = from; r < to; r++) {
      const holder = holders[r] as object;
      const key = keys[r] as Key;
      if (typeof values[r] === 'bigint' && (holder as Record<Key, unknown>)[key] === values[r]) {
        storeOwn(holder, key, this.originals[r]);
      }
      // An object of its own holds nothing under the key: never swapped, never read.
      holders[r] = CANCELLED;
    }
  }
}

const CANCELLED: object = Object.freeze(Object.create(null) as object);

/** Key text → the same key as V8's own property names (internalized), bounded. */
const internedKeys = new Map<string, string>();

/**
 * The key as V8 stores property names: a string cut from the text is not, and every `holder[key]` with it
 * (placing, and twice per place on every write) would look it up in V8's string table first.
 */
function interned(key: string): string {
  let known = internedKeys.get(key);
  if (known === undefined) {
    if (key === '__proto__') return key; // as a probe's key it would set the prototype
    const probe: Record<string, number> = {};
    probe[key] = 0;
    known = Object.keys(probe)[0] as string;
    if (internedKeys.size >= 1_000) internedKeys.clear();
    internedKeys.set(known, known);
  }
  return known;
}

/**
 * `text.startsWith(s, at)`, compared a character at a time: the native call costs more than the few
 * characters these comparisons read (most differ in the first one).
 */
function textAt(text: string, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (text.charCodeAt(at + i) !== s.charCodeAt(i)) return false;
  return true;
}

/** How many backslashes immediately precede position `p`. */
function backslashesBefore(text: string, p: number): number {
  let count = 0;
  while (text.charCodeAt(p - 1 - count) === 92) count++;
  return count;
}

/** True when the fraction starting at `p` begins with six zeros (with a digit after them: below 1e-6). */
function sixZeros(text: string, p: number): boolean {
  for (let i = 0; i < 6; i++) if (text.charCodeAt(p + i) !== 48) return false;
  return true;
}

/** `holder[key] = value`, also for a key named `__proto__` (an own property in JSON.parse output). */
export function storeOwn(holder: object, key: Key, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  else (holder as Record<Key, unknown>)[key] = value;
}
