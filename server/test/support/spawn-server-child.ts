import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Starts `server/src/main.ts` as a child process whose PID is the server's own, so signals such
 * as SIGKILL reach the server itself. Resolves with its URL once it logs that it listens.
 */
export async function spawnServerChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AUTH: 'off', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not log its URL within 20 s')), 20_000);
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { url?: string; msg?: string };
      if (entry.msg === 'event ledger listening' && entry.url !== undefined) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
  });
  return { child, url };
}
