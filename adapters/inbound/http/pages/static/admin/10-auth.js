/* Log in and sign up (/admin/login, /admin/signup). */
(function () {
  "use strict";
  var SH = window.SH;

  function nextPath() {
    var next = SH.param("next") || "/admin";
    return /^\/admin(\/|$|\?)/.test(next) && !/^\/admin\/(login|signup)/.test(next) ? next : "/admin";
  }

  function afterAuth() {
    return SH.loadSession().then(function () {
      SH.go(nextPath(), true);
    });
  }

  function login(main) {
    if (SH.session) return SH.go(nextPath(), true);
    main.innerHTML =
      '<div class="auth"><h1 tabindex="-1">Log in</h1>' +
      '<form id="login-form" class="card" novalidate>' +
      SH.field({ name: "email", label: "Email", type: "email", required: true, attrs: ' autocomplete="email"' }) +
      SH.field({ name: "password", label: "Password", type: "password", required: true, attrs: ' autocomplete="current-password"' }) +
      '<button type="submit" class="btn">Log in</button></form>' +
      '<p>New to SalonHub? <a href="/admin/signup">Create your salon</a></p></div>';
    SH.onSubmit(SH.$("#login-form", main), function (v) {
      return SH.api("POST", "/api/auth/session", { email: v.email, password: v.password }, { allow401: true }).then(afterAuth);
    });
  }

  function signup(main) {
    if (SH.session) return SH.go("/admin", true);
    var tz = "UTC";
    try {
      tz = SH.modernZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    } catch (e) {
      /* keep UTC */
    }
    main.innerHTML =
      '<div class="auth"><h1 tabindex="-1">Create your salon</h1>' +
      '<form id="signup-form" class="card" novalidate>' +
      SH.field({ name: "email", label: "Email", type: "email", required: true, attrs: ' autocomplete="email"' }) +
      SH.field({
        name: "password",
        label: "Password",
        type: "password",
        required: true,
        hint: "At least 10 characters.",
        attrs: ' autocomplete="new-password" minlength="10"',
      }) +
      SH.field({ name: "salon_name", label: "Salon name", required: true, attrs: ' autocomplete="organization"' }) +
      SH.field({ name: "timezone", label: "Time zone", type: "select", options: SH.tzOptions(tz) }) +
      SH.field({
        name: "country",
        label: "Country (2-letter code, for phone numbers)",
        value: "IN",
        attrs: ' maxlength="2" autocomplete="country"',
      }) +
      '<button type="submit" class="btn">Create salon</button></form>' +
      '<p>Already have an account? <a href="/admin/login">Log in</a></p></div>';
    SH.onSubmit(SH.$("#signup-form", main), function (v) {
      if (v.password.length < 10)
        throw new SH.ApiError(422, {
          error: { message: "Check the password.", details: { fields: { password: "at least 10 characters" } } },
        });
      var body = { email: v.email, password: v.password, salon_name: v.salon_name, timezone: v.timezone };
      if (v.country) body.country = v.country.toUpperCase();
      return SH.api("POST", "/api/auth/session/signup", body, { allow401: true }).then(function (r) {
        SH.chooseSalon(r.salon_id);
        return afterAuth();
      });
    });
  }

  SH.route("/admin/login", "Log in", login, { public: true });
  SH.route("/admin/signup", "Create your salon", signup, { public: true });
})();
