// Starts one server child (server.ts) and talks to it: ready, CPU time, stop. The child runs under tsx
// with the source condition, as the bench itself does; on a machine with 2+ CPUs it is pinned to the
// last CPU and the bench process (autocannon) to the others, so that load generator and server never
// share a core.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonWebKey } from '@portcullis/core';
import type { Framework, FromChild, HttpAlgorithm, ToChild } from './protocol.js';

const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
/** Includes @portcullis/nestjs's source: tsx applies a tsconfig (legacy decorators) only to files it includes. */
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.server-child.json', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

type Ready = Extract<FromChild, { type: 'ready' }>;

export interface ServerChild {
  port: number;
  peer: Ready['peer'];
  /** CPU time (user + system) the child has used so far, in µs. */
  cpuMicros(): Promise<number>;
  /** A full garbage collection in the child, finished when this resolves. */
  collect(): Promise<void>;
  stop(): Promise<void>;
}

/** CPU placement: the server on the last CPU, this process on the others; `undefined` on one CPU or without taskset. */
export interface Placement {
  serverCpu: number;
  benchCpus: string;
  /** Every CPU, to give this process back when the section ends. */
  allCpus: string;
}

function taskset(args: readonly string[]): boolean {
  const result = spawnSync('taskset', args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * Pins this process (all its threads) to every CPU but the last, which the server children get.
 * Returns the placement, or `undefined` when there is nothing to split or taskset is missing.
 */
export function pinBenchProcess(): Placement | undefined {
  const count = availableParallelism();
  if (count < 2 || process.platform !== 'linux') return undefined;
  const placement = {
    serverCpu: count - 1,
    benchCpus: count === 2 ? '0' : `0-${count - 2}`,
    allCpus: `0-${count - 1}`,
  };
  return taskset(['-a', '-p', '-c', placement.benchCpus, String(process.pid)]) ? placement : undefined;
}

export function unpinBenchProcess(placement: Placement | undefined): void {
  if (placement !== undefined) taskset(['-a', '-p', '-c', placement.allCpus, String(process.pid)]);
}

export interface StartOptions {
  framework: Framework;
  alg: HttpAlgorithm;
  privateJwk: JsonWebKey;
  placement: Placement | undefined;
  /** Write a V8 CPU profile of the server (node --cpu-prof) into this directory. */
  profileDir?: string | undefined;
}

export async function startServerChild(options: StartOptions): Promise<ServerChild> {
  const nodeArgs = ['--conditions=@portcullis/source', '--expose-gc', '--import', 'tsx'];
  if (options.profileDir !== undefined) {
    // One profile per thread (tsx's loader runs in a worker): the main thread's is CPU.*.<pid>.0.*.cpuprofile.
    const dir = join(options.profileDir, `${options.framework}-${options.alg}`);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const [command, args] =
    options.placement === undefined
      ? [process.execPath, [...nodeArgs, ENTRY]]
      : ['taskset', ['-c', String(options.placement.serverCpu), process.execPath, ...nodeArgs, ENTRY]];
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
  });

  const pending: ((message: FromChild) => boolean)[] = [];
  child.on('message', (message: FromChild) => {
    const index = pending.findIndex((accepts) => accepts(message));
    if (index >= 0) pending.splice(index, 1);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  /** Sends `request` and resolves with the first reply `pick` accepts; rejects if the child exits first. */
  function ask<T>(
    request: ToChild,
    pick: (message: FromChild) => T | undefined,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server child: no answer to ${request.type}`)),
        timeoutMs,
      );
      pending.push((message) => {
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`server child failed to start:\n${message.message}`));
          return true;
        }
        const value = pick(message);
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server child exited (code ${code}) before answering ${request.type}`));
      });
      child.send(request);
    });
  }

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  try {
    const ready = await ask(
      { type: 'start', framework: options.framework, alg: options.alg, privateJwk: options.privateJwk },
      (message) => (message.type === 'ready' ? message : undefined),
      START_TIMEOUT_MS,
    );
    return {
      port: ready.port,
      peer: ready.peer,
      cpuMicros: () =>
        ask({ type: 'cpu' }, (message) => (message.type === 'cpu' ? message.micros : undefined), 5_000),
      collect: () =>
        ask({ type: 'collect' }, (message) => (message.type === 'collected' ? true : undefined), 10_000).then(
          () => undefined,
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
