/* Forms: labelled fields, reading values, showing an ApiError on a form, click delegation, cards. */
(function () {
  "use strict";
  var SH = window.SH;
  var uid = 0;
  /** A labelled field: {name, label, type, value, required, attrs, options (for select), hint}. */
  SH.field = function (f) {
    var id = "f-" + f.name.replace(/[^a-z0-9_-]/gi, "-") + "-" + ++uid;
    var attrs = f.attrs || "";
    var req = f.required ? " required" : "";
    var described = ' aria-describedby="' + id + '-err' + (f.hint ? " " + id + "-hint" : "") + '"';
    var control;
    if (f.type === "select") {
      control = '<select id="' + id + '" name="' + SH.esc(f.name) + '"' + req + described + attrs + ">" + f.options + "</select>";
    } else if (f.type === "checkbox") {
      return (
        '<div class="field field-check"><input type="checkbox" id="' + id + '" name="' + SH.esc(f.name) + '"' +
        (f.value ? " checked" : "") + described + attrs + '><label for="' + id + '">' + SH.esc(f.label) + "</label>" +
        (f.hint ? '<p class="hint" id="' + id + '-hint">' + SH.esc(f.hint) + "</p>" : "") +
        '<p class="field-error" id="' + id + '-err" data-for="' + SH.esc(f.name) + '"></p></div>'
      );
    } else {
      control =
        '<input id="' + id + '" name="' + SH.esc(f.name) + '" type="' + (f.type || "text") + '" value="' +
        SH.esc(f.value === undefined || f.value === null ? "" : f.value) + '"' + req + described + attrs + ">";
    }
    return (
      '<div class="field"><label for="' + id + '">' + SH.esc(f.label) + "</label>" + control +
      (f.hint ? '<p class="hint" id="' + id + '-hint">' + SH.esc(f.hint) + "</p>" : "") +
      '<p class="field-error" id="' + id + '-err" data-for="' + SH.esc(f.name) + '"></p></div>'
    );
  };
  SH.values = function (form) {
    var out = {};
    SH.$$("input, select, textarea", form).forEach(function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") {
        if (el.name.slice(-2) === "[]") {
          var key = el.name.slice(0, -2);
          out[key] = out[key] || [];
          if (el.checked) out[key].push(el.value);
        } else out[el.name] = el.checked;
      } else if (el.type === "number") out[el.name] = el.value === "" ? null : Number(el.value);
      else out[el.name] = el.value.trim();
    });
    return out;
  };
  SH.clearErrors = function (form) {
    SH.$$(".field-error", form).forEach(function (p) {
      p.textContent = "";
    });
    SH.$$("[aria-invalid]", form).forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
    var top = SH.$(".form-error", form);
    if (top) top.remove();
  };
  /** Show an ApiError on a form: the message on top, each field's reason next to it. */
  SH.showErrors = function (form, e) {
    SH.clearErrors(form);
    var top = document.createElement("p");
    top.className = "form-error flash flash-error";
    top.setAttribute("role", "alert");
    top.textContent = e.message || "Something went wrong.";
    form.insertBefore(top, form.firstChild);
    var first = null;
    Object.keys(e.fields || {}).forEach(function (key) {
      var name = key.split(".").pop().replace(/\[\d+\]$/, "");
      var p = SH.$('.field-error[data-for="' + name + '"]', form) || SH.$('.field-error[data-for="' + key + '"]', form);
      if (!p) {
        top.textContent += " " + key + ": " + e.fields[key] + ".";
        return;
      }
      p.textContent = e.fields[key];
      var input = SH.$('[name="' + name + '"]', form);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    });
    if (first) first.focus();
  };
  /** Wire a form: submit → handler(values) returning a promise; errors shown on the form. */
  SH.onSubmit = function (form, handler) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = SH.$('[type="submit"]', form);
      if (button) button.disabled = true;
      SH.clearErrors(form);
      Promise.resolve()
        .then(function () {
          return handler(SH.values(form), form);
        })
        .catch(function (e) {
          if (e && e.redirected) return;
          SH.showErrors(form, e instanceof SH.ApiError ? e : { message: (e && e.message) || String(e) });
        })
        .then(function () {
          if (button) button.disabled = false;
        });
    });
  };
  /** Delegate clicks on [data-action] inside root to handlers[action](el, ev). */
  SH.actions = function (root, handlers) {
    root.addEventListener("click", function (ev) {
      var el = ev.target.closest("[data-action]");
      if (!el || !root.contains(el) || !handlers[el.dataset.action]) return;
      ev.preventDefault();
      handlers[el.dataset.action](el, ev);
    });
  };
  SH.section = function (title, body, id) {
    return '<section class="card"' + (id ? ' id="' + id + '"' : "") + "><h2>" + SH.esc(title) + "</h2>" + body + "</section>";
  };
  SH.planPrompt = function (what) {
    return (
      '<div class="plan-check" role="status"><h2>Available on Growth and Elite</h2>' +
      "<p>Your salon is on the <strong>Free</strong> plan. " + SH.esc(what) + "</p>" +
      "<ul><li><strong>Growth</strong>: connect your Facebook Page and Instagram account, Book buttons on both, " +
      "Messenger and Instagram confirmations, social booking analytics.</li>" +
      "<li><strong>Elite</strong>: everything in Growth for several locations, with priority support.</li></ul>" +
      "<p>To upgrade, contact SalonHub support from the email address you signed up with.</p></div>"
    );
  };
})();
