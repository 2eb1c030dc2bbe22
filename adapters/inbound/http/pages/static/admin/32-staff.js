/* Staff (/admin/staff): the team and what each person is qualified for. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var editor = SH.editing.editor;
  var formButtons = SH.editing.formButtons;
  var setActive = SH.editing.setActive;

  function serviceChecks(list) {
    if (!list.length) return '<p>Add <a href="/admin/services">services</a> first.</p>';
    return (
      '<fieldset class="checks"><legend>Qualified for</legend>' +
      list
        .map(function (s) {
          var id = "q-" + s.id;
          return '<div class="field-check"><input type="checkbox" name="service_ids[]" id="' + id + '" value="' + esc(s.id) + '"><label for="' + id + '">' + esc(s.name) + "</label></div>";
        })
        .join("") +
      '<p class="field-error" data-for="service_ids"></p></fieldset>'
    );
  }

  function staff(main) {
    return SH.api("GET", SH.salonPath("/services")).then(function (svc) {
      var names = {};
      svc.items.forEach(function (s) {
        names[s.id] = s.name;
      });
      main.innerHTML =
        '<h1 tabindex="-1">Staff</h1><div class="list-flash"></div>' +
        SH.section("Your team", '<div id="staff-list"></div>') +
        '<section class="card" id="staff-form"><h2>Add staff member</h2><form novalidate>' +
        SH.field({ name: "name", label: "Name", required: true }) + serviceChecks(svc.items) +
        formButtons("Add staff member") + "</form></section>";
      var items = [];
      var ed = editor(main, {
        formId: "staff-form",
        addTitle: "Add staff member",
        path: "/staff",
        body: function (v) {
          return { name: v.name, service_ids: v.service_ids || [] };
        },
        fill: function (form, m) {
          form.elements.name.value = m.name;
          SH.$$('[name="service_ids[]"]', form).forEach(function (c) {
            c.checked = m.service_ids.indexOf(c.value) >= 0;
          });
        },
        reload: load,
      });
      function load() {
        return SH.api("GET", SH.salonPath("/staff")).then(function (r) {
          items = r.items;
          SH.$("#staff-list", main).innerHTML = items.length
            ? '<ul class="staff-list">' +
              items
                .map(function (m, i) {
                  var quals = m.service_ids
                    .map(function (id) {
                      return names[id];
                    })
                    .filter(Boolean);
                  return (
                    '<li class="staff-item"><div><strong>' + esc(m.name) + "</strong>" + (m.active ? "" : " (inactive)") +
                    '<p class="hint">' + (quals.length ? esc(quals.join(", ")) : "No services yet") + "</p></div>" +
                    '<div class="row-actions"><a class="btn btn-small" href="/admin/staff/' + esc(m.id) + '/hours">Hours and time off<span class="visually-hidden"> for ' + esc(m.name) + "</span></a>" +
                    '<button type="button" class="btn btn-small" data-action="edit" data-i="' + i + '">Edit<span class="visually-hidden"> ' + esc(m.name) + "</span></button>" +
                    (m.active
                      ? '<button type="button" class="btn btn-small btn-danger" data-action="off" data-i="' + i + '">Deactivate<span class="visually-hidden"> ' + esc(m.name) + "</span></button>"
                      : '<button type="button" class="btn btn-small" data-action="on" data-i="' + i + '">Activate<span class="visually-hidden"> ' + esc(m.name) + "</span></button>") +
                    "</div></li>"
                  );
                })
                .join("") +
              "</ul>"
            : '<p class="empty">No staff yet. Add the first person below.</p>';
        });
      }
      SH.actions(SH.$("#staff-list", main), {
        edit: function (b) {
          ed.edit(items[+b.dataset.i]);
        },
        off: function (b) {
          setActive(main, "/staff", items[+b.dataset.i], false, load);
        },
        on: function (b) {
          setActive(main, "/staff", items[+b.dataset.i], true, load);
        },
      });
      return load();
    });
  }

  SH.route("/admin/staff", "Staff", staff);
})();
