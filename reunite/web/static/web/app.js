// Small behaviour that htmx leaves to the page (served from this server: the CSP allows no
// inline script).
document.addEventListener("htmx:afterSettle", function (event) {
  // A refused form comes back with its errors: bring the first one to where the user is
  // looking (on a phone the submit button is far below the top of the form).
  var target = event.detail.target;
  if (!target || !target.querySelector) return;
  var alert = target.querySelector("[role=alert]");
  if (alert) {
    alert.setAttribute("tabindex", "-1");
    alert.scrollIntoView({ block: "center" });
    alert.focus({ preventScroll: true });
    return;
  }
  var heading = target.querySelector("[autofocus]");
  if (heading) heading.scrollIntoView({ block: "start" });
});

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  // At phone width the header has no room for the "Change language" button: the language
  // then changes as soon as one is chosen (the button stays wherever it is shown).
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () {
      var button = select.form.querySelector("button");
      if (!button || getComputedStyle(button).display === "none") select.form.submit();
    });
  }
});
