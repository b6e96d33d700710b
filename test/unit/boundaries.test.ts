// The rooms of the house and who may import whom. The compiler enforces the project boundaries (tsconfig
// references: a client file importing the server's core fails `npm run typecheck`); this test says the rule in one
// place and also covers what the compiler cannot see: the core must not import vscode or the LSP libraries, and
// the webview must import only the code the client shares with it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const abs = join(ROOT, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(abs, f));
}

/** Every module specifier a file imports (static imports, re-exports, dynamic imports and require calls). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) found.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return found;
}

function violations(dir: string, allowed: (specifier: string, target: string) => boolean): string[] {
  const out: string[] = [];
  for (const file of sources(dir)) {
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? relative(ROOT, resolve(file, '..', spec)) : spec;
      if (!allowed(spec, target)) out.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  return out;
}

test('the core imports no vscode and no LSP library', () => {
  const bad = violations(
    'server/src/core',
    (spec) => !/^vscode(-languageserver|-languageclient|-jsonrpc)?(\/|$)/.test(spec),
  );
  assert.deepEqual(bad, []);
});

test('the client reaches into the server only for the protocol', () => {
  const bad = violations(
    'client/src',
    (spec, target) => !spec.startsWith('.') || !target.startsWith('server/') || target === 'server/src/protocol',
  );
  assert.deepEqual(bad, []);
});

test('the server never imports the client or the webview', () => {
  const bad = violations('server/src', (spec, target) => !spec.startsWith('.') || !/^(client|media)\//.test(target));
  assert.deepEqual(bad, []);
});

test('the webview imports only its own modules and what the client shares with it', () => {
  const bad = violations(
    'media/src',
    (spec, target) =>
      spec.startsWith('.') && (target.startsWith('media/src') || target.startsWith('client/src/shared')),
  );
  assert.deepEqual(bad, []);
});

test('common/ (the shapes and code every project shares) imports nothing outside itself', () => {
  // Its tsconfig resolves no module outside the folder (noResolve); this says it where the other rules are.
  const bad = violations('common', (spec, target) => spec.startsWith('./') && target.startsWith('common/'));
  assert.deepEqual(bad, []);
  assert.ok(readdirSync(join(ROOT, 'common')).includes('wire.d.ts'), 'the wire shapes are a declaration file: no code');
  // The compiler refuses code in a declaration file (common/tsconfig.json checks it) but allows `const x = 1` there:
  // a value the bundles would not have. Only types and interfaces at the top level.
  const declared = readFileSync(join(ROOT, 'common', 'wire.d.ts'), 'utf8').match(/^(?:export\s+)?(?:declare\s+)?\w+/gm);
  assert.deepEqual(
    (declared ?? [])
      .map((d) => d.trim().split(/\s+/).pop())
      .filter((word) => !/^(?:type|interface|import)$/.test(word!)),
    [],
  );
});

test('the import scanner sees the import forms this repository uses', () => {
  // The rule tests above are only as good as the scanner: prove it finds each form.
  const sample = join(ROOT, 'test/unit/boundaries.test.ts');
  assert.ok(importsOf(sample).includes('node:assert/strict'));
  assert.ok(importsOf(sample).includes('node:test'));
});
