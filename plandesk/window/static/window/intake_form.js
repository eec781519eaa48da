// The intake form: one click, one case. The button is disabled once the form is sent.
(function () {
  var form = document.getElementById("intake-form");
  var button = document.getElementById("intake-submit");
  if (form && button) {
    form.addEventListener("submit", function () { button.disabled = true; });
  }
})();
