/** A small strict XML reader for tests: throws on anything not well-formed, returns the element tree. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(raw))
    throw new Error(`unescaped < or & in ${where}: ${raw.slice(0, 80)}`);
  return raw.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, name: string) =>
    name.startsWith('#x') || name.startsWith('#X')
      ? String.fromCodePoint(parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : ENTITIES[name],
  );
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const declaration = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (declaration) pos = declaration[0].length;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    const text = xml.slice(pos, textEnd);
    if (text.includes('>')) throw new Error(`stray > in text at ${pos}`);
    stack.at(-1)!.text += decode(text, `text of <${stack.at(-1)!.name}>`);
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop()!;
      if (open.name !== tag.slice(1).trim()) throw new Error(`</${tag.slice(1)}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([A-Za-z_][\w.-]*)/.exec(body);
    if (!nameMatch) throw new Error(`bad tag <${tag}>`);
    const element: XmlElement = { name: nameMatch[1], attributes: {}, children: [], text: '' };
    const rest = body.slice(nameMatch[1].length);
    const attribute = /\s+([A-Za-z_][\w.-]*)="([^"]*)"/y;
    let index = 0;
    while (index < rest.trimEnd().length) {
      attribute.lastIndex = index;
      const match = attribute.exec(rest);
      if (!match) throw new Error(`bad attributes in <${element.name}${rest}>`);
      if (match[1] in element.attributes) throw new Error(`duplicate attribute ${match[1]}`);
      element.attributes[match[1]] = decode(match[2], `attribute ${match[1]}`);
      index = attribute.lastIndex;
    }
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1) throw new Error('expected exactly one root element');
  if (root.text.trim() !== '') throw new Error('text outside the root element');
  return root.children[0];
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((child) => findAll(child, name))];
}
