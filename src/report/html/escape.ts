/**
 * Escaping for the three contexts the HTML report writes into: element text
 * and attribute values, inline <script> and <style> bodies, and the JSON data
 * element. Run names, scenario output and titles are user text; none of it
 * may close an element early or inject markup.
 */

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * Script text that cannot end its <script> element early or enter the
 * parser's "escaped" states: `</script` and `<!--` only occur inside string
 * and regex literals in valid code, where `<\/` and `<\!` mean the same.
 */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** CSS for a <style> element: `</style` can only be in a string or comment, where `<\/` is the same text. */
export function styleSafe(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

/** JSON for a <script type="application/json"> element: no `<` at all, so no tag can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
