/**
 * A small element builder. Text always goes in as text nodes (never as HTML): nothing an alarm
 * message, a point name or a user name holds can become markup.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Handler = (ev: Event) => void;
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined | Handler>>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(name.slice(2).toLowerCase(), v);
    else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    // Through the CSSOM: the console's CSP forbids style attributes in markup, not styles set by script.
    else if (name === 'style') el.style.cssText = String(v);
    else if (v === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c as readonly Child[]);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Calls `draw` at most once a frame however often it is asked for (a storm of transitions redraws once). */
export function throttled(draw: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
}
