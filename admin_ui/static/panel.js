// Amends panel: small enhancements on top of pages that work without this script.
(function () {
  "use strict";
  var root = document.documentElement;
  // App Bridge loaded: the title and the navigation live in the Shopify admin.
  if (window.shopify) {
    root.classList.add("app-bridge");
    var notice = document.querySelector(".banner-success[role=status]");
    if (notice && window.shopify.toast) {
      window.shopify.toast.show(notice.textContent.trim());
    }
  }
  // Filters apply as soon as a choice is made.
  var filters = document.querySelector("form.filters");
  if (filters) {
    filters.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { filters.requestSubmit(); });
    });
  }
})();
