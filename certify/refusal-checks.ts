import { errorText, excerpt } from './answer-checks';
import type { BadInput } from './bad-inputs';
import type { Answer } from './types';

/**
 * Bad input must be refused cleanly: a Lambda function error or an HTTP 400, whose message names the
 * field, with no stack trace and nothing of the input repeated (the canary is a planted secret).
 */

// A Node/V8 stack frame ("    at fn (file.js:1:2)"), or a source position, anywhere in the answer.
const STACK_FRAME = /\n\s*at\s+\S|\bat\s+[\w.<>$]+\s+\([^)]*:\d+:\d+\)|\.[cm]?[jt]s:\d+:\d+/;

export function checkRefusal(answer: Answer, input: BadInput, canary: string): string[] {
  const problems: string[] = [];
  if (answer.outcome === 'ok') return [`was accepted (answered ${excerpt(answer.text, 80)}); it must be refused`];
  if (answer.outcome === 'transport-error') return [`no answer: ${excerpt(answer.text)}`];
  if (answer.outcome === 'http-error' && answer.status !== 400)
    problems.push(`HTTP ${answer.status ?? '?'}, expected 400`);
  const message = errorText(answer);
  if (!message.includes(input.field))
    problems.push(`the error does not name "${input.field}": "${excerpt(message.split(canary).join('<input>'))}"`);
  if (STACK_FRAME.test(answer.text) || hasTrace(answer.body)) problems.push('the answer carries a stack trace');
  if (answer.text.includes(canary)) problems.push('the answer repeats the input (a value from the request)');
  return problems;
}

/**
 * Lambda's error document: the Node runtime always fills `trace` from `error.stack`, so a handler that strips
 * its stack still sends one line ("Name: message"). Only call-site lines (`at …`) count as a stack trace.
 */
function hasTrace(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as Record<string, unknown>;
  return [record['trace'], record['stackTrace']].some(
    (t) => Array.isArray(t) && t.some((line) => typeof line === 'string' && /^\s*at\s/.test(line)),
  );
}
