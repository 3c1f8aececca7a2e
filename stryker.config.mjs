// @ts-check
/**
 * Mutation testing (`npm run mutation`, outside `npm test`): Stryker changes the pure core one small edit at a time
 * (a flipped condition, an emptied string, a removed call) and runs the tests over it; a mutant that no test notices
 * marks an assertion that is missing. One area at a time: `npm run mutation -- --mutate 'lambda/firehose/**\/*.ts'`.
 * Scores and how to read the report: README.md, "Mutation testing".
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts', related: false },
  mutate: [
    'lambda/core/**/*.ts',
    'lambda/delivery/delivery-policy.ts',
    'lambda/firehose/**/*.ts',
    // Types and re-exports only: nothing to mutate.
    '!lambda/firehose/index.ts',
  ],
  // Only the tests that ran the mutated line run for each mutant.
  coverageAnalysis: 'perTest',
  // A shared two-core machine: one test process, and generous bounds before a mutant counts as a hang.
  concurrency: 1,
  timeoutMS: 30_000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ['cdk.out', 'reports', 'bench/out', '.captures', '.feed-checkpoints', '.vitest'],
  // Stryker rewrites a tsconfig's `extends` and `references` for its sandbox through TypeScript's JS API, which
  // TypeScript 7 (native) no longer has; ours has neither, so it is pointed at no file and left alone.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
