// Log text is untrusted. These make it inert for each place it is shown.

/** Terminal: control characters (escape sequences, bells, carriage returns) become visible escapes. */
export function inertForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'),
  );
}

/** HTML (webviews): the five characters that change meaning. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Markdown (hovers): every character markdown or HTML could act on is backslash- or entity-escaped, so a log
 * line can never become a link, an image, a command: URI or raw HTML.
 */
export function escapeMarkdown(text: string): string {
  return inertForTerminal(text)
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => '\\' + c)
    .replace(/[<&"]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/:/g, '&#58;');
}

/** A code span that cannot be broken out of: the fence is longer than any backtick run inside. */
export function markdownCode(text: string): string {
  const clean = inertForTerminal(text).replace(/\r?\n/g, ' ');
  let fence = '`';
  while (clean.includes(fence)) fence += '`';
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return fence + pad + clean + pad + fence;
}

/** A fenced code block that the text cannot close early: the fence is longer than any backtick run in it. */
export function markdownFence(text: string, language = ''): string {
  const clean = inertForTerminal(text.replace(/\r\n?/g, '\n'));
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${clean}\n${fence}`;
}
