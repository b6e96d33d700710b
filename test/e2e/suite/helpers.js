// Shared helpers of the extension-host suite: paths, opening logs, waiting for the language server.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const REPO = path.resolve(__dirname, '../../..');
const SAMPLES = path.join(REPO, 'samples');
const CORPUS = path.resolve(process.env.CORPUS_DIR || path.join(REPO, '../shared/corpus/real'));
const EXTENSION_ID = 'cmlogs.configmgr-logs';

const sample = (rel) => path.join(SAMPLES, rel);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries `fn` until it returns without throwing (returns its value) or the deadline passes (rethrows). */
async function eventually(fn, { timeout = 20000, interval = 250, what = '' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      if (what && last instanceof Error) last.message = `${what} (after ${timeout / 1000}s): ${last.message}`;
      throw last;
    }
    await sleep(interval);
  }
}

async function activate() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  await api.started; // activate() returns before the language server has started (client/src/extension.ts)
  return { ext, api };
}

/** Opens a file (absolute path) in an editor and returns its document. */
async function open(file, options = {}) {
  assert.ok(fs.existsSync(file), `missing test input ${file}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false, ...options });
  return doc;
}

/** Position of the `nth` occurrence of `needle` in the document, moved `delta` characters into it. */
function positionOf(doc, needle, delta = 1, nth = 0) {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (#${nth + 1}) not found in ${path.basename(doc.uri.fsPath)}`);
  }
  return doc.positionAt(at + delta);
}

/** The markdown/plain text of every hover at a position. */
async function hoverText(doc, position) {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position)) || [];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
}

/**
 * Hovers at `needle` until the text matches every pattern. The first hovers can come before the language
 * server has started (empty), so this retries until the deadline.
 */
async function hoverUntil(doc, needle, patterns, { delta = 2, nth = 0, timeout = 30000 } = {}) {
  const position = positionOf(doc, needle, delta, nth);
  let text = '';
  await eventually(
    async () => {
      text = await hoverText(doc, position);
      for (const p of patterns) assert.match(text, p);
    },
    { timeout, interval: 300 },
  ).catch((e) => {
    throw new Error(
      `hover at "${needle}" (${position.line + 1}:${position.character + 1}) did not match: ${e.message}\n--- hover text ---\n${text || '(no hover)'}`,
    );
  });
  return text;
}

/** Every tab of every group, with its input. */
function allTabs() {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

function webviewTabs() {
  return allTabs().filter((t) => t.input instanceof vscode.TabInputWebview);
}

function describeTabs() {
  return JSON.stringify(
    allTabs().map((t) => ({
      label: t.label,
      input: t.input && (t.input.viewType || (t.input.uri && t.input.uri.toString()) || t.input.constructor.name),
    })),
  );
}

/** Markdown escapes `_` and friends: a regexp for `word` that accepts them. */
function mdWord(word) {
  return new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '\\\\?_'));
}

/** Marks the running test as skipped, loudly (it shows in the output and in the JSON report). */
function skipLoudly(ctx, reason) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!!! SKIPPED: ${ctx.test ? ctx.test.fullTitle() : ''}\n!!! ${reason}\n${line}\n`);
  if (ctx.test) ctx.test.skipReason = reason;
  ctx.skip();
}

async function closeAllEditors() {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

module.exports = {
  REPO,
  SAMPLES,
  CORPUS,
  EXTENSION_ID,
  sample,
  sleep,
  eventually,
  activate,
  open,
  positionOf,
  hoverText,
  hoverUntil,
  allTabs,
  webviewTabs,
  describeTabs,
  mdWord,
  skipLoudly,
  closeAllEditors,
};
