/* The layout: the top bar (nav, salon switcher, log out). */
(function () {
  "use strict";
  var SH = window.SH;
  var NAV = [
    ["/admin", "Dashboard"],
    ["/admin/services", "Services"],
    ["/admin/staff", "Staff"],
    ["/admin/settings", "Settings"],
    ["/admin/integrations/meta", "Facebook & Instagram"],
    ["/admin/analytics", "Analytics"],
    ["/admin/operations", "Operations"],
  ];
  function current(href) {
    var path = location.pathname.replace(/\/+$/, "") || "/admin";
    if (href === "/admin") return path === "/admin";
    return path === href || path.indexOf(href + "/") === 0;
  }
  function layout() {
    var bar = SH.$("#topbar");
    if (!SH.session) {
      bar.innerHTML = '<a class="brand" href="/admin">SalonHub</a>';
      return;
    }
    var salons = SH.session.salons;
    var switcher =
      salons.length > 0
        ? '<div class="salon-switch"><label for="salon-switch">Salon</label><select id="salon-switch">' +
          salons
            .map(function (s) {
              return '<option value="' + SH.esc(s.id) + '"' + (s.id === SH.salonId ? " selected" : "") + ">" + SH.esc(s.name) + "</option>";
            })
            .join("") +
          "</select></div>"
        : "";
    var links = NAV.map(function (n) {
      return '<li><a href="' + n[0] + '"' + (current(n[0]) ? ' aria-current="page"' : "") + ">" + SH.esc(n[1]) + "</a></li>";
    }).join("");
    bar.innerHTML =
      '<div class="topbar-row"><a class="brand" href="/admin">SalonHub</a>' + switcher +
      '<button type="button" class="btn-link logout" id="logout">Log out</button></div>' +
      '<nav aria-label="Admin sections"><ul class="nav">' + links + "</ul></nav>";
    var sel = SH.$("#salon-switch");
    if (sel)
      sel.addEventListener("change", function () {
        SH.chooseSalon(sel.value);
        SH.render(false);
      });
    SH.$("#logout").addEventListener("click", function () {
      SH.api("DELETE", "/api/auth/session").then(
        function () {
          SH.session = null;
          SH.go("/admin/login", true);
        },
        function () {
          SH.session = null;
          SH.go("/admin/login", true);
        }
      );
    });
  }
  SH.layout = layout;
})();
