// Small DOM helpers shared by the views.

export const $ = (id) => document.getElementById(id);

/** Creates an element with attributes and children; strings become text nodes (never HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Shows a progress bar only when the work takes longer than a moment, so fast loads do not flicker. */
export function busy(progressId, statusText) {
  const bar = $(progressId);
  const timer = setTimeout(() => { bar.hidden = false; }, 150);
  setStatus(statusText);
  return () => {
    clearTimeout(timer);
    bar.hidden = true;
    setStatus("");
  };
}

export function setStatus(text) {
  $("status").textContent = text || "";
}
