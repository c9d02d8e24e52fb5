#!/usr/bin/env node
// The project's front door. It runs on whatever Node the machine has (this kind
// ships Node 20), brings the pinned toolchain (package.json "toolchain": Node and
// pnpm from the npm registry) into the git-ignored .tools/ folder when the
// system's Node is older than the project needs, installs the workspace from the
// lockfile, then runs the requested command with that toolchain first on PATH.
//
//   node scripts/run.mjs start        build, then start every adaptor locally (npm start)
//   node scripts/run.mjs test         build and run every test; prints "N passed, N failed"
//   node scripts/run.mjs bench ...    load and cold-start benchmarks (packages/bench)
//   node scripts/run.mjs fuzz ...     the long fuzz profile of every service (packages/testkit)
//   node scripts/run.mjs soak ...     ten minutes of mixed load per service, RSS checked (packages/bench)
//   node scripts/run.mjs turbo ...    any turbo command
//   node scripts/run.mjs exec ...     any binary of the workspace (pnpm exec)
//
// Plain JavaScript with no dependencies on purpose: it must run before anything
// is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { node: nodeVersion, pnpm: pnpmVersion } = pkg.toolchain;
const MIN_NODE_MAJOR = 22;
const toolsDir = join(root, '.tools');
const toolsBin = join(toolsDir, 'node_modules', '.bin');

function log(message) {
  process.stderr.write(`[run] ${message}\n`);
}

function run(cmd, args, env, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * Runs a long-lived child (the local stack) and forwards SIGINT/SIGTERM to it,
 * so stopping this process (`kill`, a process manager, npm passing the signal
 * on) stops the child and everything it started, not only this wrapper.
 */
function runForwardingSignals(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    });
  }
  // `npm start` runs this under `sh -c`; a SIGTERM to npm ends npm and that shell, and dash
  // passes no signal on, so this process would be left running with everything it started.
  // When the process that started it is gone, stop the child as if SIGTERM had arrived.
  const parent = process.ppid;
  const watch = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (error) {
      // Only "no such process" means gone: EPERM is a living parent of another user (init in a container).
      if (error.code !== 'ESRCH') return;
      clearInterval(watch);
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  }, 1000);
  watch.unref();
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

function toolVersion(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/^v/, '') : undefined;
}

/** Makes sure a Node >= 22 and the pinned pnpm are on PATH; returns the env to use. */
function ensureToolchain() {
  const systemMajor = Number(process.versions.node.split('.')[0]);
  const needNode = systemMajor < MIN_NODE_MAJOR;
  const haveNode = toolVersion(join(toolsBin, 'node')) === nodeVersion;
  const havePnpm = toolVersion(join(toolsBin, 'pnpm')) === pnpmVersion;
  const wanted = [];
  if (needNode && !haveNode) wanted.push(`node@${nodeVersion}`);
  if (!havePnpm) wanted.push(`pnpm@${pnpmVersion}`);
  if (wanted.length > 0) {
    // Keep what is already there (npm removes packages not named on the line).
    if (needNode && haveNode) wanted.push(`node@${nodeVersion}`);
    if (havePnpm) wanted.push(`pnpm@${pnpmVersion}`);
    log(`fetching the pinned toolchain into .tools/: ${wanted.join(' ')}`);
    mkdirSync(toolsDir, { recursive: true });
    writeFileSync(join(toolsDir, 'package.json'), '{"private":true}\n');
    const status = run(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', toolsDir, ...wanted],
      process.env,
    );
    if (status !== 0) {
      log('could not fetch Node/pnpm from the npm registry; install Node >= 22 and pnpm yourself and retry');
      process.exit(status);
    }
  }
  const env = {
    ...process.env,
    PATH: `${toolsBin}:${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
  };
  // npm exports its own node path for scripts; make sure children use ours.
  delete env.npm_node_execpath;
  delete env.NODE;
  return env;
}

function ensureInstalled(env) {
  const status = run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], env);
  if (status !== 0) {
    log('pnpm install failed (see above)');
    process.exit(status);
  }
}

/** The workspace's package folders (pnpm-workspace.yaml: packages/*, services/*, infra). */
function packageDirs() {
  const dirs = [];
  for (const group of ['packages', 'services']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) dirs.push({ name: `${group}/${name}`, dir: join(dir, name) });
  }
  dirs.push({ name: 'infra', dir: join(root, 'infra') });
  return dirs.filter(({ dir }) => existsSync(join(dir, 'package.json')));
}

/** Finds every vitest JSON report of the workspace's packages. */
function collectReports() {
  const reports = [];
  for (const { name, dir } of packageDirs()) {
    const resultsDir = join(dir, '.test-results');
    if (!existsSync(resultsDir)) continue;
    for (const file of readdirSync(resultsDir)) {
      if (file.endsWith('.json')) reports.push({ pkg: name, file: join(resultsDir, file) });
    }
  }
  return reports;
}

function clearReports() {
  for (const { file } of collectReports()) rmSync(file, { force: true });
}

/** Packages that declare a test script: each must leave a report, or it counts as a failure. */
function testedPackages() {
  return packageDirs()
    .filter(({ dir }) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.test)
    .map(({ name }) => name);
}

function firstLine(text) {
  return (
    String(text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '') ?? ''
  );
}

function summarize(turboStatus) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  const seen = new Set();
  for (const { pkg: name, file } of collectReports()) {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
      // A test file that failed to load has no test results but counts as failed.
      for (const suite of report.testResults ?? []) {
        const file = relative(root, suite.name ?? '');
        if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
          failed += 1;
          failures.push(`${file}: did not load: ${firstLine(suite.message)}`);
        }
        for (const test of suite.assertionResults ?? []) {
          if (test.status === 'failed') {
            failures.push(`${file} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
          }
        }
      }
      seen.add(name);
    } catch {
      log(`unreadable test report ${file}`);
      failed += 1;
    }
  }
  for (const name of testedPackages()) {
    if (!seen.has(name)) {
      log(`${name} produced no test report (it did not build or its tests did not start)`);
      failed += 1;
    }
  }
  if (turboStatus !== 0 && failed === 0) {
    log('the test run failed before any test could report (see above)');
    failed += 1;
  }
  // The failed tests' names come last, just above the totals, so the tail of a
  // CI log (often all that is kept) says which test to look at.
  for (const failure of failures) process.stdout.write(`FAILED ${failure}\n`);
  const line = `${passed} passed, ${failed} failed`;
  mkdirSync(join(root, '.test-results'), { recursive: true });
  writeFileSync(join(root, '.test-results', 'summary.txt'), `${line}\n`);
  process.stdout.write(`\n${line}\n`);
  return failed === 0 ? 0 : 1;
}

const [command = 'help', ...rest] = process.argv.slice(2);
switch (command) {
  case 'test': {
    const env = ensureToolchain();
    ensureInstalled(env);
    clearReports();
    // Two tasks at a time: the service tests each run a database emulator, and
    // this kind of machine has two cores; more parallelism only adds timeouts.
    const status = run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', 'lint', 'typecheck', 'test', '--continue', '--concurrency=2', ...rest],
      env,
    );
    process.exit(summarize(status));
    break;
  }
  case 'start': {
    const env = ensureToolchain();
    ensureInstalled(env);
    // Build what the local stack runs; a service that does not build is reported
    // by the stack and the others still start.
    run(
      'pnpm',
      [
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=@adaptors/testkit...',
        '--filter=./services/*',
        // The stack prints `adaptors call …` hints: the CLI must exist on a fresh clone too.
        '--filter=@adaptors/cli',
        '--continue',
        '--output-logs=errors-only',
      ],
      env,
    );
    runForwardingSignals('node', ['packages/testkit/dist/bin/local-stack.js', ...rest], env);
    break;
  }
  case 'bench': {
    const env = ensureToolchain();
    ensureInstalled(env);
    const built = run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=@adaptors/bench...', '--output-logs=errors-only'],
      env,
    );
    if (built !== 0) process.exit(built);
    process.exit(run('node', ['packages/bench/dist/cli.js', ...rest], env));
    break;
  }
  case 'fuzz': {
    // The long fuzz profile (packages/testkit/README.md): 10,000 requests per service unless FUZZ_RUNS says.
    const env = ensureToolchain();
    ensureInstalled(env);
    env.FUZZ_RUNS = process.env.FUZZ_RUNS ?? '10000';
    process.exit(run('pnpm', ['exec', 'vitest', 'run', 'fuzz.test', ...rest], env));
    break;
  }
  case 'soak': {
    // Ten minutes of mixed load per service with RSS sampled (packages/bench/README.md).
    const env = ensureToolchain();
    ensureInstalled(env);
    const built = run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], env);
    if (built !== 0) process.exit(built);
    process.exit(run('node', ['packages/bench/dist/soak-cli.js', ...rest], env));
    break;
  }
  case 'turbo':
  case 'exec': {
    const env = ensureToolchain();
    ensureInstalled(env);
    const args = command === 'turbo' ? ['exec', 'turbo', ...rest] : ['exec', ...rest];
    process.exit(run('pnpm', args, env));
    break;
  }
  case 'toolchain': {
    ensureToolchain();
    break;
  }
  default:
    process.stdout.write(
      'usage: node scripts/run.mjs start | test | bench [options] | fuzz [vitest args] | soak [options] | turbo <args> | exec <bin> <args>\n',
    );
    process.exit(command === 'help' ? 0 : 2);
}
