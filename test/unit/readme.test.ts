// The README is packed into the .vsix and shown on the extension page, where no repository URL is known:
// vsce refuses to package a README with relative links (they would be broken there). Catch that here, in
// seconds, rather than at the end of CI in `npm run test:ui`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('README has no relative links or images (vsce cannot resolve them)', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const relative = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^(https?:|mailto:|#)/i.test(target));
  assert.deepEqual(relative, []);
});
