// Document links: http(s) URLs in log text, and Windows paths to log files that sit in the same folder
// (C:\Windows\CCM\Logs\WUAHandler.log opens the WUAHandler.log beside this one).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DocumentLink } from 'vscode-languageserver';
import { pathToUri } from '../workspace';
import { messageRange } from './positions';
import { RecordTable } from '../core/table';

const URL = /\bhttps?:\/\/[^\s"'<>\]\[)(]+/g;
const LOG_PATH = /\b[A-Za-z]:\\(?:[^\\\s"'<>|:*?]+\\)*([^\\\s"'<>|:*?]+\.(?:log|lo_))\b/g;
const MAX_LINKS = 5000;

export function documentLinks(file: string, records: RecordTable): DocumentLink[] {
  const links: DocumentLink[] = [];
  const folder = dirname(file);
  for (const r of records) {
    if (links.length >= MAX_LINKS) break;
    const text = r.message;
    if (text.includes('http')) {
      URL.lastIndex = 0;
      for (let m = URL.exec(text); m; m = URL.exec(text))
        links.push({
          range: messageRange(r, m.index, m.index + m[0].length),
          target: withoutTrailingPunctuation(m[0]),
        });
    }
    if (text.includes(':\\')) {
      LOG_PATH.lastIndex = 0;
      for (let m = LOG_PATH.exec(text); m; m = LOG_PATH.exec(text)) {
        const sibling = join(folder, m[1]);
        if (existsSync(sibling))
          links.push({
            range: messageRange(r, m.index, m.index + m[0].length),
            target: pathToUri(sibling),
            tooltip: `Open ${m[1]} from this folder`,
          });
      }
    }
  }
  return links;
}

/** "http://x/y." in a sentence: the final dots, commas and semicolons are not part of the address. */
function withoutTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && ',.;'.includes(url[end - 1])) end--;
  return url.slice(0, end);
}
