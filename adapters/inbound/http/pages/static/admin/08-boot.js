/* The boot: in-app links through the router, back/forward, the first render after the session. */
(function () {
  "use strict";
  var SH = window.SH;
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || a.dataset.external !== undefined) return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !/^\/admin(\/|$)/.test(url.pathname) || /\.svg$/.test(url.pathname)) return;
    ev.preventDefault();
    SH.go(url.pathname + url.search);
  });
  window.addEventListener("popstate", function () {
    SH.render(false);
  });
  document.addEventListener("DOMContentLoaded", function () {
    SH.loadSession().then(
      function () {
        SH.render(true);
      },
      function (e) {
        SH.$("#main").innerHTML = "";
        SH.pageError(SH.$("#main"), e);
      }
    );
  });
})();
