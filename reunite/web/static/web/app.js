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

// The outcome form: the circumstance list offers only what fits the outcome chosen.
function narrowCircumstances(form) {
  var chosen = form.querySelector("input[name=status][data-circumstances]:checked");
  var select = form.querySelector("select[name=circumstance]");
  if (!chosen || !select) return;
  var allowed = chosen.getAttribute("data-circumstances").split(" ");
  var keep = null;
  Array.prototype.forEach.call(select.options, function (option) {
    var fits = option.value === "" || allowed.indexOf(option.value) >= 0;
    option.hidden = !fits;
    option.disabled = !fits;
    if (fits && option.value && keep === null) keep = option.value;
  });
  Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
    var visible = Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
    group.hidden = !visible;
  });
  if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = keep;
}
document.addEventListener("change", function (event) {
  if (event.target.name === "status" && event.target.form) narrowCircumstances(event.target.form);
});
document.addEventListener("htmx:afterSettle", function (event) {
  var form = event.detail.target && event.detail.target.querySelector &&
    event.detail.target.querySelector("input[name=status][data-circumstances]");
  if (form) narrowCircumstances(form.form);
});
document.addEventListener("DOMContentLoaded", function () {
  var radio = document.querySelector("input[name=status][data-circumstances]");
  if (radio) narrowCircumstances(radio.form);
});
