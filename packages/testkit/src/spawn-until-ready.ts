import { type ChildProcess, spawn } from 'node:child_process';

export interface ReadyProcess {
  /** The match of the `ready` pattern in the process's output (e.g. the URL it listens on). */
  readonly match: RegExpExecArray;
  readonly process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a Node script as its own process and resolves once its output matches `ready` — for tests that
 * need real processes (several app instances, demos, fault tests). Rejects with the output so far if the
 * process exits or the timeout passes first.
 *
 * @example const app = await spawnUntilReady({ script: 'src/main.ts', cwd, env, ready: /listening on (\S+)/ });
 */
export async function spawnUntilReady(options: {
  script: string;
  cwd: string;
  env?: Record<string, string>;
  ready: RegExp;
  timeoutMs?: number;
}): Promise<ReadyProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@portcullis/source', '--import', 'tsx', options.script],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.script} did not become ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stdout!.on('data', () => {
      const found = options.ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited with ${code}:\n${output}`));
    });
  });
  return {
    match,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
