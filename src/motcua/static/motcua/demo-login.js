// The demo's log-in page: a click on an account fills the form; the filter narrows the unit lists.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("demo-accounts");
  if (!box) return;
  box.addEventListener("click", function (event) {
    var button = event.target.closest(".demo-fill");
    if (!button) return;
    document.getElementById("id_username").value = button.dataset.username;
    document.getElementById("id_password").value = box.dataset.password;
    document.getElementById("id_password").form.querySelector("button[type=submit]").focus();
  });
  var filter = document.getElementById("demo-filter");
  filter.addEventListener("input", function () {
    var words = filter.value.trim().toLowerCase();
    box.querySelectorAll(".demo-units li").forEach(function (item) {
      item.hidden = words !== "" && item.dataset.search.indexOf(words) === -1;
    });
    box.querySelectorAll("details.demo-kind").forEach(function (details) {
      details.open = words !== "" && details.querySelector("li:not([hidden])") !== null;
    });
  });
});
