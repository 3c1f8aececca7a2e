import { describe, expect, it } from 'vitest';
import { CAPTURE_ENV, DELIVERY_ENV, FEED_ENV, LOCAL_ENV } from '../../lambda/config/environment';
import {
  checkPositive,
  readBoolean,
  readFraction,
  readOptionalInteger,
  readOptionalNumber,
  readPort,
} from '../../lambda/config/env-readers';
import { readDryRun } from '../../lambda/delivery/dry-run-port';

/** Parsers that replaced copies in the dry-run port, capture config, local scripts and feed settings; readPositiveInt and readFlag: environment.test.ts. */
describe('env-readers', () => {
  it('reads true/false strictly, unset as undefined, and names the variable (never the value) otherwise', () => {
    // Prepare
    const name = DELIVERY_ENV.dryRun;
    // Act & Assess
    expect(readBoolean({ [name]: ' TRUE ' }, name)).toBe(true);
    expect(readBoolean({ [name]: 'false' }, name)).toBe(false);
    expect(readBoolean({ [name]: '' }, name)).toBeUndefined();
    expect(readBoolean({}, name)).toBeUndefined();
    expect(() => readBoolean({ [name]: 'yes-secret' }, name)).toThrow(`${name} must be true or false`);
    expect(() => readBoolean({ [name]: 'yes-secret' }, name)).not.toThrow('yes-secret');
    expect(readDryRun({ [name]: 'True' })).toBe(true);
  });

  it('reads a fraction from 0 to 1, the fallback when unset, and refuses anything else', () => {
    // Prepare
    const name = CAPTURE_ENV.sampleRate;
    // Act & Assess
    expect(readFraction({ [name]: '0.25' }, name, 1)).toBe(0.25);
    expect(readFraction({ [name]: '0' }, name, 1)).toBe(0);
    expect(readFraction({}, name, 1)).toBe(1);
    for (const bad of ['1.5', '-0.1', 'half', 'Infinity']) {
      expect(() => readFraction({ [name]: bad }, name, 1)).toThrow(`${name} must be a number from 0 to 1`);
    }
  });

  it('reads a port from 0 to 65535, the fallback when unset, and refuses anything else', () => {
    // Prepare
    const name = LOCAL_ENV.invokePort;
    // Act & Assess
    expect(readPort({ [name]: '0' }, name, 3001)).toBe(0);
    expect(readPort({ [name]: '65535' }, name, 3001)).toBe(65_535);
    expect(readPort({ [name]: '' }, name, 3001)).toBe(3001);
    for (const bad of ['65536', '-1', '80.5', 'http']) {
      expect(() => readPort({ [name]: bad }, name, 3001)).toThrow(`${name} must be a port number`);
    }
  });
  it('reads optional numbers and whole numbers (blank is unset) and refuses anything else, naming the variable', () => {
    // Prepare
    const days = FEED_ENV.historicalAfterDays;
    const timeout = FEED_ENV.requestTimeoutMs;
    // Act & Assess
    expect(readOptionalNumber({ [days]: '1.5' }, days)).toBe(1.5);
    expect(readOptionalNumber({ [days]: '  ' }, days)).toBeUndefined();
    expect(readOptionalNumber({}, days)).toBeUndefined();
    expect(() => readOptionalNumber({ [days]: 'Infinity' }, days)).toThrow(`${days} must be a number, got "Infinity"`);
    expect(readOptionalInteger({ [timeout]: ' 2000 ' }, timeout)).toBe(2000);
    expect(readOptionalInteger({ [timeout]: '' }, timeout)).toBeUndefined();
    expect(() => readOptionalInteger({ [timeout]: '2.5' }, timeout)).toThrow(
      `${timeout} must be an integer, got "2.5"`,
    );
    expect(() => readOptionalInteger({ [timeout]: 'soon' }, timeout)).toThrow(
      `${timeout} must be a number, got "soon"`,
    );
    expect(checkPositive(1, timeout)).toBe(1);
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => checkPositive(bad, timeout)).toThrow(`${timeout} must be positive`);
    }
  });
});
