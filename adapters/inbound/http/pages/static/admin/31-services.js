/* Services (/admin/services). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var editor = SH.editing.editor;
  var formButtons = SH.editing.formButtons;
  var setActive = SH.editing.setActive;
  var CURRENCY = { IN: "INR", US: "USD", GB: "GBP", AE: "AED", AU: "AUD", CA: "CAD", SG: "SGD" };

  function defaultCurrency() {
    var c = SH.salon().country;
    return CURRENCY[c] || (/^(DE|FR|ES|IT|NL|IE|PT|BE|AT|FI)$/.test(c) ? "EUR" : "INR");
  }

  function services(main) {
    main.innerHTML =
      '<h1 tabindex="-1">Services</h1><div class="list-flash"></div>' +
      SH.section("Your services", '<div id="service-list"></div>') +
      '<section class="card" id="service-form"><h2>Add service</h2><form novalidate class="grid-form">' +
      SH.field({ name: "name", label: "Name", required: true }) +
      SH.field({ name: "duration_minutes", label: "Duration (minutes)", type: "number", value: 30, required: true, attrs: ' min="5" max="720"' }) +
      SH.field({ name: "buffer_after_minutes", label: "Buffer after (minutes)", type: "number", value: 0, attrs: ' min="0" max="240"' }) +
      SH.field({ name: "price", label: "Price", type: "number", required: true, attrs: ' min="0" step="0.01"' }) +
      SH.field({ name: "currency", label: "Currency", value: defaultCurrency(), required: true, attrs: ' maxlength="3"' }) +
      SH.field({ name: "description", label: "Description (optional)" }) +
      SH.field({ name: "category", label: "Category (optional, groups services on the booking page)", attrs: ' maxlength="60"' }) +
      formButtons("Add service") + "</form></section>";
    var items = [];
    var ed = editor(main, {
      formId: "service-form",
      addTitle: "Add service",
      path: "/services",
      body: function (v) {
        var body = {
          name: v.name,
          duration_minutes: v.duration_minutes,
          buffer_after_minutes: v.buffer_after_minutes || 0,
          price_minor: v.price === null ? null : Math.round(v.price * Math.pow(10, SH.minorDigits((v.currency || "").toUpperCase()))),
          currency: (v.currency || "").toUpperCase(),
        };
        if (v.description) body.description = v.description;
        body.category = v.category || "";
        return body;
      },
      fill: function (form, s) {
        form.elements.name.value = s.name;
        form.elements.duration_minutes.value = s.duration_minutes;
        form.elements.buffer_after_minutes.value = s.buffer_after_minutes;
        var digits = SH.minorDigits(s.currency);
        form.elements.price.value = (s.price_minor / Math.pow(10, digits)).toFixed(digits);
        form.elements.currency.value = s.currency;
        form.elements.description.value = s.description || "";
        form.elements.category.value = s.category || "";
      },
      onReset: function (form) {
        form.elements.currency.value = defaultCurrency();
      },
      reload: load,
    });
    function load() {
      return SH.api("GET", SH.salonPath("/services?include_inactive=true")).then(function (r) {
        items = r.items;
        SH.$("#service-list", main).innerHTML = items.length
          ? '<div class="table-wrap"><table><caption class="visually-hidden">Services</caption><thead><tr><th scope="col">Name</th><th scope="col">Duration</th>' +
            '<th scope="col">Price</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead><tbody>' +
            items
              .map(function (s, i) {
                return (
                  '<tr data-id="' + esc(s.id) + '"><th scope="row">' + esc(s.name) + "</th><td>" + s.duration_minutes + " min" +
                  (s.buffer_after_minutes ? " + " + s.buffer_after_minutes + " min buffer" : "") + "</td><td>" +
                  esc(SH.money(s.price_minor, s.currency)) + "</td><td>" + (s.active ? "Active" : "Inactive") + "</td><td>" +
                  '<button type="button" class="btn btn-small" data-action="edit" data-i="' + i + '">Edit<span class="visually-hidden"> ' + esc(s.name) + "</span></button>" +
                  (s.active
                    ? '<button type="button" class="btn btn-small btn-danger" data-action="off" data-i="' + i + '">Deactivate<span class="visually-hidden"> ' + esc(s.name) + "</span></button>"
                    : '<button type="button" class="btn btn-small" data-action="on" data-i="' + i + '">Activate<span class="visually-hidden"> ' + esc(s.name) + "</span></button>") +
                  "</td></tr>"
                );
              })
              .join("") +
            "</tbody></table></div>"
          : '<p class="empty">No services yet. Add your first one below.</p>';
      });
    }
    SH.actions(SH.$("#service-list", main), {
      edit: function (b) {
        ed.edit(items[+b.dataset.i]);
      },
      off: function (b) {
        setActive(main, "/services", items[+b.dataset.i], false, load);
      },
      on: function (b) {
        setActive(main, "/services", items[+b.dataset.i], true, load);
      },
    });
    return load();
  }

  SH.route("/admin/services", "Services", services);
})();
