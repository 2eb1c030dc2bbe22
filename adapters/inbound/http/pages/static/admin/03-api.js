/* The API client: JSON over fetch with the session cookie and the CSRF token; errors as ApiError. */
(function () {
  "use strict";
  var SH = window.SH;
  function ApiError(status, body) {
    var err = (body && body.error) || {};
    this.status = status;
    this.code = err.code || "http_" + status;
    this.message = err.message || "Something went wrong (" + status + "). Try again.";
    this.details = err.details || {};
    this.fields = this.details.fields || {};
  }
  SH.ApiError = ApiError;

  SH.api = function (method, path, body, opts) {
    opts = opts || {};
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && SH.session) headers["X-CSRF-Token"] = SH.session.csrf_token;
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(
      function (r) {
        if (r.status === 204) return null;
        return r.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          if (r.ok) return data;
          var err = new ApiError(r.status, data);
          if (r.status === 401 && !opts.allow401) {
            err.redirected = true;
            SH.toLogin();
          }
          throw err;
        });
      },
      function () {
        throw new ApiError(0, { error: { code: "network", message: "Cannot reach SalonHub. Check your connection and try again." } });
      }
    );
  };
  SH.salonPath = function (rest) {
    return "/api/salons/" + encodeURIComponent(SH.salonId) + (rest || "");
  };
  SH.qs = function (params) {
    var out = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined && params[k] !== "")
        out.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
    });
    return out.length ? "?" + out.join("&") : "";
  };
})();
