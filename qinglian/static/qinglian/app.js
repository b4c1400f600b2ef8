// Small behaviours that CSP forbids inline: auto-submit selects, confirm before dangerous posts.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.classList && el.classList.contains("auto-submit") && el.form) el.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
