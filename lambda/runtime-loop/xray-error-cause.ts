import { errorDocument, withoutDel } from './error-document';
import { RuntimeLoopError } from './errors';

/**
 * The value of the `Lambda-Runtime-Function-XRay-Error-Cause` header the managed runtime's client sends with every
 * invocation error (aws-lambda-ric 3.3 `XRayError.js`, 4.0 `utils/xray.js`): the error's type, message and stack
 * frames, which Lambda passes to X-Ray when Active tracing is on. Same fields and frame parsing; DEL becomes `%7F`
 * as there. The caller's error document keeps its empty trace: this goes to X-Ray only.
 */
export interface XRayErrorCause {
  readonly working_directory: string;
  readonly exceptions: readonly {
    readonly type: string;
    readonly message: string;
    readonly stack: readonly XRayStackFrame[];
  }[];
  readonly paths: readonly string[];
}

export interface XRayStackFrame {
  readonly path: string;
  readonly line: number;
  readonly label: string;
}

/**
 * Longer causes are left out (the log has the whole error). The client does not cap it, but a header has limits
 * (Node's own HTTP server allows 16 KiB for all headers) and one over-long error must not cost the error document.
 */
export const XRAY_ERROR_CAUSE_MAX_CHARS = 8 * 1024;

export function xrayErrorCause(error: unknown, workingDirectory: string = process.cwd()): XRayErrorCause {
  const { errorType, errorMessage } = errorDocument(error);
  // An error the loop wraps (an unhandled rejection) is traced where it was made, not where the loop wrapped it.
  const origin = error instanceof RuntimeLoopError && error.cause instanceof Error ? error.cause : error;
  const stack = origin instanceof Error && typeof origin.stack === 'string' ? parseStack(origin.stack) : [];
  return {
    working_directory: workingDirectory,
    exceptions: [{ type: errorType, message: errorMessage, stack }],
    paths: [...new Set(stack.map((frame) => frame.path))],
  };
}

/** The header value: the cause as JSON in printable ASCII (a header cannot carry other characters), or undefined. */
export function xrayErrorCauseHeader(error: unknown): string | undefined {
  let text: string;
  try {
    text = asciiJson(JSON.stringify(xrayErrorCause(error)));
  } catch {
    return undefined;
  }
  return text.length <= XRAY_ERROR_CAUSE_MAX_CHARS ? text : undefined;
}

/** The client's reading of a V8 stack: drop the first line, then `at label (path:line:column)` per frame. */
function parseStack(stack: string): XRayStackFrame[] {
  const lines = withoutDel(stack).split('\n');
  lines.shift();
  return lines.map((line) => {
    const trimmed = line
      .trim()
      .replace(/[()]/g, '')
      .replace(/^\S*\s/, '');
    const lastSpace = trimmed.lastIndexOf(' ');
    const label = lastSpace >= 0 ? trimmed.slice(0, lastSpace) : 'anonymous';
    const [path = '', lineNumber = ''] = (lastSpace >= 0 ? trimmed.slice(lastSpace + 1) : trimmed).split(':');
    return { path, line: Number.parseInt(lineNumber, 10), label };
  });
}

/** JSON.stringify leaves non-ASCII as is; \u escapes keep the same JSON value in header-safe characters. */
function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
