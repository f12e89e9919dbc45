// @ts-check
// Radio groups by the arrow keys, moved by the page as the browser would (the next or previous
// button of the group, round at the ends, chosen as a click chooses it): WebKit's own move
// leaves the focus ring off, so a person could not see which button the keys reached.


/** Listens for the arrows on every radio button of the page, now and later. */
export function wireRadios() {
  document.addEventListener("keydown", (e) => {
    const radio = e.target;
    if (!(radio instanceof HTMLInputElement) || radio.type !== "radio" || !radio.name) return;
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const back = e.key === "ArrowUp" || e.key === "ArrowLeft";
    if (!back && e.key !== "ArrowDown" && e.key !== "ArrowRight") return;
    const group = /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll(`input[type="radio"][name="${CSS.escape(radio.name)}"]`)])
      .filter((r) => r.form === radio.form && !r.disabled && r.getClientRects().length > 0);
    const at = group.indexOf(radio);
    if (at < 0 || group.length < 2) return;
    e.preventDefault();
    // Round at the ends, as browsers do for radio buttons (unlike a list's rows).
    const next = group[(at + (back ? -1 : 1) + group.length) % group.length];
    next.focus();
    next.click();
  });
}
