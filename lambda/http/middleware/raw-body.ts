import type { MiddlewareObj } from '@middy/core';
import { headerOf, type FirehoseHttpEvent, type FunctionUrlResult } from '../function-url';
import { problems } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * 413 for a body over `maxBodyBytes` (by Content-Length, then by the bytes actually received); then keeps
 * the body text aside as `rawBody` before the JSON parser replaces `body`, so the core reads the original
 * text and its 64-bit integers stay exact. A base64 body is decoded here, once.
 */
export function rawBody(options: { maxBodyBytes: number }): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  return {
    before: (request) => {
      const event = request.event;
      const declared = Number(headerOf(event, 'content-length'));
      if (Number.isFinite(declared) && declared > options.maxBodyBytes) throw problems.tooLarge(options.maxBodyBytes);
      if (event.body === undefined) return;

      let text: string;
      if (event.isBase64Encoded) {
        const bytes = Buffer.from(event.body, 'base64');
        if (bytes.length > options.maxBodyBytes) throw problems.tooLarge(options.maxBodyBytes);
        try {
          text = utf8.decode(bytes);
        } catch {
          throw problems.notUtf8();
        }
      } else {
        // The cheap bound first: a string's UTF-8 size is at most three bytes per UTF-16 unit.
        if (event.body.length * 3 > options.maxBodyBytes && Buffer.byteLength(event.body) > options.maxBodyBytes) {
          throw problems.tooLarge(options.maxBodyBytes);
        }
        text = event.body;
      }
      event.body = text;
      event.isBase64Encoded = false;
      event.rawBody = text;
    },
  };
}
