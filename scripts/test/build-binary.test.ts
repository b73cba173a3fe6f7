import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { smokeBinary } from '../smoke-binary';

const root = fileURLToPath(new URL('../..', import.meta.url));
const executable = join(root, 'dist', 'events');
const BUILD_TIMEOUT_MS = 300_000;

if (process.env.SEA_TEST === '1') {
  describe('build-binary executable', () => {
    beforeAll(() => {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-binary.ts'], { cwd: root, stdio: 'pipe' });
    }, BUILD_TIMEOUT_MS);

    it('writes executable to dist/events', () => {
      const stats = statSync(executable);

      expect(stats.isFile()).toBe(true);
      expect(stats.mode & 0o111).not.toBe(0);
    });

    it('prints help with empty environment', () => {
      const help = execFileSync(executable, ['--help'], { cwd: tmpdir(), env: {}, encoding: 'utf8' });

      for (const subcommand of ['serve', 'publish', 'get', 'list', 'tail', 'verify']) {
        expect(help).toContain(subcommand);
      }
    });

    it('serves, publishes, reads and verifies', async () => {
      // Throws with the failing step; see scripts/smoke-binary.ts for every check it makes.
      await expect(smokeBinary(executable)).resolves.toBeUndefined();
    }, 120_000);
  });
} else {
  it.skip('build-binary executable (set SEA_TEST=1 to build the ~100 MB dist/events, about 10 s)', () => {});
}
