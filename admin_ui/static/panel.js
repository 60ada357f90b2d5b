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
  // Messages: the preview follows the draft as it is typed (the form's Preview button
  // does the same in a round trip). Nothing is saved; the API only renders.
  var draft = document.querySelector("form[data-preview-url]");
  if (draft) {
    livePreview(draft);
  }

  function authorised(form) {
    var headers = { "Content-Type": "application/json" };
    if (form.dataset.auth === "bearer") {
      if (!window.shopify || !window.shopify.idToken) { return Promise.resolve(null); }
      return window.shopify.idToken().then(function (token) {
        headers.Authorization = "Bearer " + token;
        return headers;
      });
    }
    headers["X-CSRF-Token"] = form.dataset.csrf;
    return Promise.resolve(headers);
  }

  function livePreview(form) {
    var timer = null;
    var sent = 0;
    function value(name) {
      var field = form.elements.namedItem(name);
      return field ? field.value : "";
    }
    function show(answer) {
      document.getElementById("preview-subject").textContent = answer.subject;
      document.getElementById("preview-text").textContent = answer.text;
      document.getElementById("preview-html").srcdoc = answer.html;
      document.getElementById("preview-problems").hidden = answer.problems.length === 0;
      ["subject", "text", "html"].forEach(function (part) {
        var field = form.elements.namedItem(part);
        var messages = answer.problems.filter(function (p) { return p.part === part; });
        var list = document.getElementById(part + "-error");
        if (!messages.length) {
          if (list) { list.remove(); }
          field.removeAttribute("aria-invalid");
          return;
        }
        if (!list) {
          list = document.createElement("ul");
          list.className = "field-error";
          list.id = part + "-error";
          field.parentNode.appendChild(list);
        }
        list.replaceChildren.apply(list, messages.map(function (p) {
          var item = document.createElement("li");
          item.textContent = p.message;
          return item;
        }));
        field.setAttribute("aria-invalid", "true");
      });
      form.dataset.previewed = String(Number(form.dataset.previewed || 0) + 1);
    }
    function render() {
      var number = ++sent;
      var body = JSON.stringify({
        subject: value("subject"), text: value("text"), html: value("html"),
        compensation: value("compensation") || undefined,
      });
      authorised(form).then(function (headers) {
        if (!headers) { return null; }
        return fetch(form.dataset.previewUrl, { method: "POST", headers: headers, body: body });
      }).then(function (response) {
        if (!response || !response.ok) { return null; }
        return response.json();
      }).then(function (answer) {
        if (answer && number === sent) { show(answer); }
      }).catch(function () { /* the Preview button still works */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
  }
  // Forms with unsaved changes: App Bridge shows Shopify's save bar for form[data-save-bar];
  // without it (standalone, or Shopify's CDN unreachable) the page shows its own.
  var bar = document.querySelector(".save-bar");
  var forms = document.querySelectorAll("form[data-save-bar]");
  if (!window.shopify && bar && forms.length) {
    var state = function (form) {
      var data = new FormData(form), parts = [];
      data.forEach(function (value, name) {
        if (name !== "csrf_token" && name !== "pass") { parts.push(name + "=" + value); }
      });
      return parts.join("&");
    };
    var tracked = [], submitting = false;
    var dirty = function () {
      return tracked.filter(function (t) { return t.unsaved || state(t.form) !== t.saved; });
    };
    var update = function () { bar.hidden = dirty().length === 0; };
    forms.forEach(function (form) {
      // data-unsaved: the page shows a draft it did not save (a preview, a refused save).
      tracked.push({ form: form, saved: state(form), unsaved: form.hasAttribute("data-unsaved") });
      form.addEventListener("input", update);
      form.addEventListener("change", update);
      form.addEventListener("submit", function () { submitting = true; });
      form.addEventListener("reset", function () { window.setTimeout(update, 0); });
    });
    bar.querySelector("[data-save-bar-save]").addEventListener("click", function () {
      var changed = dirty();
      if (changed.length) { changed[0].form.requestSubmit(); }
    });
    bar.querySelector("[data-save-bar-discard]").addEventListener("click", function () {
      var drafts = dirty().filter(function (t) { return t.unsaved; });
      if (drafts.length) {  // back to what is saved: the page as it loads
        submitting = true;
        window.location.assign(drafts[0].form.getAttribute("data-discard-url"));
        return;
      }
      dirty().forEach(function (t) { t.form.reset(); });
      var first = forms[0].querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && dirty().length) { event.preventDefault(); event.returnValue = ""; }
    });
    update();
  }
})();
