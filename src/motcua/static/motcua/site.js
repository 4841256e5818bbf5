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
