/**
 * `npm run bench [-- --update]`: handler overhead, latency under load, cold start, bundle sizes and memory, each
 * against a baseline measured in the same run. Prints the tables and each target with pass or miss, and writes
 * bench/out/results.json (ignored). `--update` also writes bench/results.json, the committed latest figures.
 * Not part of `npm test`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleHandlers } from './bundle';
import { runCaptureBench } from './capture';
import { runCostStep } from './cost';
import { runFirstSpillBench } from './first-spill';
import { runColdStartBench } from './cold-start';
import { runHandlerBench } from './handler';
import { runHttpLatencyBench } from './http-latency';
import { runHttpHangingBench } from './http-hanging';
import { runLoadBench } from './load';
import { execFileSync } from 'node:child_process';
import type { MemoryResult } from './memory';
import { checkTargets, formatChecks, TARGETS } from './targets';
import { FUNCTION_ENV } from '../lambda/config/environment';

const USAGE = `usage: npm run bench [-- --update]

About two minutes. Prints each measure against its same-run baseline and each target with pass or miss.
Writes bench/out/results.json; with --update also bench/results.json and docs/capacity.md (the committed latest figures).`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((a) => a !== '--update');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}\n${USAGE}`);
    process.exit(64);
  }
  const started = Date.now();
  const outDir = path.join(__dirname, 'out');
  process.env[FUNCTION_ENV.logLevel] = 'ERROR';

  console.log('1/4 handler overhead…');
  const handler = await runHandlerBench();
  console.log('2/4 latency under load…');
  const load = await runLoadBench({ connections: 20, seconds: 10 });
  const http = await runHttpLatencyBench({ requests: 200, warmup: 20 });
  console.log('3/4 bundles and cold start…');
  const bundles = await bundleHandlers(outDir);
  const coldStart = await runColdStartBench(bundles['ingress']?.file ?? '', outDir, 20);
  // mParticle asks HTTP endpoints to answer within 100 ms: fresh processes, a partner that never answers.
  const httpHanging = await runHttpHangingBench(outDir);
  // The first spill of a container, with and without the spill warm-up, a flaky partner (issue 21).
  const firstSpill = await runFirstSpillBench(outDir);
  console.log('4/4 memory…');
  const memoryOutput = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memory.ts'), '--json'],
    {
      encoding: 'utf8',
    },
  );
  // The result is the last line; anything before it is the child's own chatter.
  const memory = JSON.parse(memoryOutput.trim().split('\n').at(-1) ?? '') as MemoryResult;
  if (memoryOutput.trim().includes('\n')) console.log(`memory bench said: ${memoryOutput.slice(0, 300)}`);

  console.log('\nHandler overhead (ms; ratio = median / baseline median, same input, same run)');
  console.table(
    handler.map((r) => ({
      case: r.case,
      mode: r.mode,
      median: r.medianMs.toFixed(3),
      p99: r.p99Ms.toFixed(3),
      ratio: r.ratio.toFixed(2),
    })),
  );
  console.log('Latency under load (autocannon, loopback)');
  console.table(load);
  console.log('HTTP endpoint, 100-event calls one at a time (ms; ratio = p99 / bare server p99, same run)');
  console.table([http]);
  console.log(
    'Bundles (KiB) and cold start (ms, median of runs: process start to first response, on a Runtime API stand-in)',
  );
  console.table({
    ...Object.fromEntries(
      Object.entries(bundles).map(([name, b]) => [`${name} bundle`, { value: (b.bytes / 1024).toFixed(1) }]),
    ),
    'empty handler': { value: coldStart.emptyMs.toFixed(1) },
    [`empty handler requiring ${coldStart.builtins.join(', ')}`]: { value: coldStart.emptyWithBuiltinsMs.toFixed(1) },
    'the same with Powertools Logger and Metrics as the ingress uses them': {
      value: coldStart.powertoolsFloorMs.toFixed(1),
    },
    ...(coldStart.emptyUnderRicMs === undefined
      ? {}
      : {
          'empty handler under aws-lambda-ric 4 (BENCH_RIC_DIR)': { value: coldStart.emptyUnderRicMs.toFixed(1) },
          'ingress under aws-lambda-ric 4 (dry run)': { value: (coldStart.ingressUnderRicMs ?? 0).toFixed(1) },
        }),
    'ingress (managed runtime)': { value: coldStart.managedIngressMs.toFixed(1) },
    'ingress (wrapper + loop)': { value: coldStart.ingressMs.toFixed(1) },
    'ingress delivering its first call in-line': { value: coldStart.deliveringMs.toFixed(1) },
    'the same without the spill warm-up': { value: coldStart.deliveringWithoutWarmUpMs.toFixed(1) },
    'wrapper + loop cost': { value: coldStart.wrapperMs.toFixed(1) },
    'shell wrapper alone': { value: coldStart.wrapperShellMs.toFixed(1) },
    ratio: { value: coldStart.ratio.toFixed(2) },
    'ratio, delivering': { value: coldStart.deliveringRatio.toFixed(2) },
  });
  console.log('HTTP variant, partner never answers (ms; fresh processes; target: p99 of all answers < 100 ms)');
  console.table(httpHanging);
  console.log('Lambda path, flaky partner, one call at a time (ms; with and without the spill warm-up, interleaved)');
  console.table(firstSpill.rows);
  console.log('Memory');
  console.table([memory]);

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    targets: TARGETS,
    handler,
    load,
    http,
    bundles: Object.fromEntries(Object.entries(bundles).map(([name, b]) => [name, b.bytes])),
    coldStart,
    httpHanging,
    firstSpill,
    memory,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const checks = checkTargets({
    handler,
    load,
    http,
    coldStartRatio: coldStart.ratio,
    coldStartDeliveringRatio: coldStart.deliveringRatio,
    firstSpill,
    httpHanging,
    ingressBundleBytes: bundles['ingress']?.bytes,
    memory,
  });
  console.log(`\nTargets\n${formatChecks(checks)}`);
  mkdirSync(outDir, { recursive: true });
  const written = path.join(outDir, 'results.json');
  writeFileSync(written, `${JSON.stringify({ ...results, checks }, null, 2)}\n`);
  console.log(`\nwrote bench/out/results.json in ${results.seconds} s`);
  if (args.includes('--update')) {
    copyFileSync(written, path.join(__dirname, 'results.json'));
    console.log('updated bench/results.json (the committed latest figures)');
  }
  console.log('\nCapture overhead (100 events, every request captured, 50 per S3 object, vs capture off)');
  console.table(await runCaptureBench());
  console.log('\nCost and capacity (from these durations; see docs/capacity.md)');
  await runCostStep(results, { writeDoc: args.includes('--update') });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
