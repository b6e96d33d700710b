// XML payloads inside log messages (WSUSLocationRequest/Reply, CIAssignmentMessage, state message reports,
// ContentLocationReply), pretty-printed with fast-xml-parser for hovers and the "Show XML" command.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Position } from 'vscode-languageserver';
import type { LogIndex } from '../core/logIndex';

const MAX_XML = 2_000_000;
const options = {
  ignoreAttributes: false,
  preserveOrder: true,
  processEntities: false,
  maxNestedTags: 200,
  commentPropName: '#comment',
};

/** The first XML element in a message and everything up to the last '>', or null. */
export function extractXml(message: string): string | null {
  const start = message.search(/<[A-Za-z?]/);
  const end = message.lastIndexOf('>');
  if (start < 0 || end <= start || end - start > MAX_XML) return null;
  return message.slice(start, end + 1);
}

/** Pretty XML, or null when the text is not well-formed XML (it is never guessed at). */
export function prettyXml(xml: string): string | null {
  try {
    if (XMLValidator.validate(xml) !== true) return null;
    const tree = new XMLParser(options).parse(xml);
    return String(new XMLBuilder({ ...options, format: true, indentBy: '  ' }).build(tree)).trim();
  } catch {
    return null;
  }
}

export function xmlAt(index: LogIndex, file: string, position: Position): { xml: string; line: number } | null {
  const hit = index.recordAt(file, position.line + 1);
  const raw = hit ? extractXml(hit.record.message) : null;
  const xml = raw ? prettyXml(raw) : null;
  return xml && hit ? { xml, line: hit.record.line } : null;
}
