import { excerpt } from '../../src/core/excerpt.js';

/**
 * A small, safe reader for the flat-ish XML of camera alerts (Hikvision ISAPI EventNotificationAlert).
 * Not a general XML parser: no DTDs, no entity declarations (so no XXE and no entity expansion
 * bombs), no namespaces beyond dropping prefixes. Bounded depth and element count. Pure.
 */

export interface XmlElement {
  /** Local name: a `hik:eventType` prefix is dropped; namespaces are not checked. */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA), trimmed. */
  readonly text: string;
}

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 10_000 };

/** Why a document was refused; `offset` is the character index where reading stopped. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at character ${offset})`);
  }
}

interface OpenElement {
  readonly name: string;
  readonly rawName: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses one document; throws XmlSyntaxError on anything outside the small subset it reads. */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt === -1 ? text.length : lt;
    if (textEnd > i) appendText(stack, text.slice(i, textEnd), i, root !== undefined);
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<?', i)) i = skipPast(text, i, '?>', 'processing instruction');
    else if (text.startsWith('<!--', i)) i = skipPast(text, i, '-->', 'comment');
    else if (text.startsWith('<![CDATA[', i)) {
      const end = skipPast(text, i, ']]>', 'CDATA section');
      const open = stack.at(-1);
      if (open === undefined) throw new XmlSyntaxError('CDATA outside the root element', i);
      open.text += text.slice(i + 9, end - 3);
      i = end;
    } else if (text.startsWith('<!', i)) {
      // <!DOCTYPE …> and <!ENTITY …> are where XXE and billion-laughs live: never read them.
      throw new XmlSyntaxError('DOCTYPE and entity declarations are refused', i);
    } else if (text.startsWith('</', i)) {
      i = closeTag(text, i, stack, (done) => (root = done));
    } else {
      if (root !== undefined) throw new XmlSyntaxError('content after the root element', i);
      if (++elements > limits.maxElements) throw new XmlSyntaxError(`more than ${limits.maxElements} elements`, i);
      if (stack.length >= limits.maxDepth) throw new XmlSyntaxError(`nested deeper than ${limits.maxDepth}`, i);
      i = openTag(text, i, stack, (done) => (root = done));
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${excerpt(stack.at(-1)?.rawName ?? '')}> is not closed`, text.length);
  if (root === undefined) throw new XmlSyntaxError('no root element', text.length);
  return root;
}

function appendText(stack: OpenElement[], raw: string, at: number, afterRoot: boolean): void {
  const open = stack.at(-1);
  if (open === undefined) {
    if (raw.trim() !== '') throw new XmlSyntaxError(afterRoot ? 'content after the root element' : 'text outside the root element', at);
    return;
  }
  open.text += decodeEntities(raw, at);
}

function skipPast(text: string, from: number, terminator: string, what: string): number {
  const end = text.indexOf(terminator, from);
  if (end === -1) throw new XmlSyntaxError(`unterminated ${what}`, from);
  return end + terminator.length;
}

function openTag(text: string, at: number, stack: OpenElement[], onRoot: (root: XmlElement) => void): number {
  NAME.lastIndex = at + 1;
  const name = NAME.exec(text)?.[0];
  if (name === undefined) throw new XmlSyntaxError('a tag without a name', at);
  let i = at + 1 + name.length;
  const attrs: Record<string, string> = {};
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const m = ATTRIBUTE.exec(text);
    if (m === null) break;
    const key = m[1] ?? '';
    if (Object.hasOwn(attrs, key)) throw new XmlSyntaxError(`attribute "${excerpt(key)}" given twice`, i);
    attrs[key] = decodeEntities(m[2] ?? m[3] ?? '', i);
    i = ATTRIBUTE.lastIndex;
  }
  TAG_END.lastIndex = i;
  const end = TAG_END.exec(text);
  // Names are the sender's text, as long as it likes: messages quote their start (excerpt).
  if (end === null) throw new XmlSyntaxError(`malformed tag <${excerpt(name)}>`, i);
  const element: OpenElement = { name: localName(name), rawName: name, attrs, children: [], text: '' };
  if (end[1] === '/') finish(element, stack, onRoot);
  else stack.push(element);
  return TAG_END.lastIndex;
}

function closeTag(text: string, at: number, stack: OpenElement[], onRoot: (root: XmlElement) => void): number {
  const gt = text.indexOf('>', at);
  if (gt === -1) throw new XmlSyntaxError('unterminated closing tag', at);
  const name = text.slice(at + 2, gt).trim();
  const open = stack.pop();
  if (open === undefined || open.rawName !== name) {
    throw new XmlSyntaxError(`</${excerpt(name)}> does not close ${open === undefined ? 'any element' : `<${excerpt(open.rawName)}>`}`, at);
  }
  finish(open, stack, onRoot);
  return gt + 1;
}

function finish(open: OpenElement, stack: OpenElement[], onRoot: (root: XmlElement) => void): void {
  const element: XmlElement = { name: open.name, attrs: open.attrs, children: open.children, text: open.text.trim() };
  const parent = stack.at(-1);
  if (parent === undefined) onRoot(element);
  else parent.children.push(element);
}

function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * The five predefined entities and character references; any other `&name;` is refused (it would
 * need a DTD). A bare `&` is kept as it is: some firmware writes channel names unescaped, and
 * refusing a fire alarm for that would help nobody.
 */
function decodeEntities(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([A-Za-z_][\w.-]{0,31}|#x?[0-9a-fA-F]{1,8});/g, (_whole, ref: string) => {
    if (Object.hasOwn(PREDEFINED, ref)) return PREDEFINED[ref] ?? '';
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    if (Number.isNaN(code)) throw new XmlSyntaxError(`unknown entity &${ref};`, at);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new XmlSyntaxError(`invalid character reference &${ref};`, at);
    return String.fromCodePoint(code);
  });
}

/** The first child named `name` (local name). */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** The text of the first child named `name`, or undefined when there is none or it is empty. */
export function childText(element: XmlElement, name: string): string | undefined {
  const text = childElement(element, name)?.text;
  return text === undefined || text === '' ? undefined : text;
}

/** Every element below `element` named `name`, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) found.push(c);
      visit(c);
    }
  };
  visit(element);
  return found;
}
