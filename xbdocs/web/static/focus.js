/* After HTMX swaps a page in (a boosted link or form), move the focus as a page load
   would: to the error summary or another element marked autofocus, else to the page's
   heading, so a screen reader announces the new page and the keyboard starts from it. */
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.detail || !event.detail.boosted) { return; }
  var target = document.querySelector("main [autofocus]") || document.querySelector("main h1");
  if (!target) { return; }
  if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
  target.focus();
});
