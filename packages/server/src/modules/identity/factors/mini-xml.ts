/**
 * A deliberately small XML reader for PSKC seed files: elements, attributes, text, comments,
 * CDATA and the five predefined entities. It never fetches anything (no DTDs, no external
 * entities: a DOCTYPE is refused), so a hostile file cannot make the server read files or URLs.
 * Namespace prefixes are dropped from names (pskc:KeyPackage and KeyPackage are the same).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

const localName = (n: string) => n.slice(n.indexOf(":") + 1);

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const tag =
    /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE|<\/\s*([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
  for (const m of source.matchAll(tag)) {
    const top = stack[stack.length - 1];
    const [whole, cdata, close, open, attrText, selfClose, text] = m;
    if (whole === "<!DOCTYPE") throw new Error("DOCTYPE declarations are not accepted");
    if (whole === "<") throw new Error("malformed XML: a stray '<'");
    if (cdata !== undefined) top.text += cdata;
    else if (text !== undefined) top.text += decode(text);
    else if (close !== undefined) {
      if (stack.length === 1 || top.name !== localName(close)) {
        throw new Error(`malformed XML: unexpected </${close}>`);
      }
      stack.pop();
    } else if (open !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? "").matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[localName(a[1])] = decode(a[2] ?? a[3] ?? "");
      }
      const el: XmlElement = { name: localName(open), attrs, children: [], text: "" };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack[stack.length - 1].name}> is never closed`);
  return root;
}

/** direct children named `name` */
export const childrenOf = (el: XmlElement | undefined, name: string): XmlElement[] =>
  el ? el.children.filter((c) => c.name === name) : [];

/** the first element along a path of child names */
export function pathOf(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = childrenOf(cur, n)[0];
  return cur;
}

/** every descendant named `name`, in document order */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    out.push(...descendants(c, name));
  }
  return out;
}
