// Text into HTML and XML, once for every renderer: the five characters that could end a text node or an attribute.
export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
