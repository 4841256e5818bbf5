// Page behaviour that would otherwise be inline script (the Content-Security-Policy allows none).
// <select data-submit-on-change>: choosing submits its form (the language switch).
// <form data-confirm="…">: asks before submitting (actions that end a dossier).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
// A table that scrolls sideways (table.list and .scroll on a narrow screen) takes the keyboard focus
// while it overflows, so that it can be scrolled without a mouse (WCAG 2.1.1; axe's
// scrollable-region-focusable); it gives the focus back once it fits again.
function focusableScrollers() {
  for (const region of document.querySelectorAll("table.list, .scroll")) {
    const overflows = region.scrollWidth > region.clientWidth;
    if (overflows && !region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
      region.dataset.scrollFocus = "";
    } else if (!overflows && "scrollFocus" in region.dataset) {
      region.removeAttribute("tabindex");
      delete region.dataset.scrollFocus;
    }
  }
}
focusableScrollers();
window.addEventListener("resize", focusableScrollers);
document.addEventListener("htmx:afterSettle", focusableScrollers);
