/** Request capture's defaults, shared by the ingress (capture-config.ts) and the construct (lib/request-capture.ts). */
export const CAPTURE_DEFAULTS = {
  sampleRate: 1,
  maxRecords: 50,
  maxAgeMs: 60_000,
  prefix: 'captures/',
  /** Captured requests hold customer data: kept long enough to debug a report, then expired. */
  retentionDays: 14,
} as const;
