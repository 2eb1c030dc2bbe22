/* Settings (/admin/settings): salon name, time zone, the booking policy, and the booking page
   links (with their ?src= variants for Instagram, Facebook, Messenger and Stories). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;

  SH.bookingUrl = function (slug, src) {
    return location.origin + "/book/" + encodeURIComponent(slug) + (src ? "?src=" + src : "");
  };

  /** A read-only link with a Copy button (the button copies the input's value). */
  SH.copyRow = function (label, url, id) {
    return (
      '<div class="copy-row"><label for="' + id + '">' + esc(label) + "</label>" +
      '<div class="copy-line"><input id="' + id + '" type="text" readonly value="' + esc(url) + '">' +
      '<button type="button" class="btn btn-small" data-action="copy" data-target="' + id + '">Copy<span class="visually-hidden"> ' + esc(label) + "</span></button></div></div>"
    );
  };
  SH.wireCopy = function (root) {
    SH.actions(root, {
      copy: function (b) {
        var input = document.getElementById(b.dataset.target);
        input.select();
        var done = function () {
          SH.announce("Link copied.");
          b.firstChild.textContent = "Copied";
          setTimeout(function () {
            b.firstChild.textContent = "Copy";
          }, 1500);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(input.value).then(done, done);
        else {
          try {
            document.execCommand("copy");
          } catch (e) {
            /* selected: the owner can copy by hand */
          }
          done();
        }
      },
    });
  };

  // The booking-policy limits come from the page's boot data (the domain's one table).
  function bounds(name) {
    var x = JSON.parse(document.getElementById("boot").textContent).policy_limits[name];
    return ' min="' + x.min + '" max="' + x.max + '"';
  }

  function policyFields(p) {
    return (
      SH.field({ name: "lead_time_minutes", label: "Lead time (minutes)", type: "number", value: p.lead_time_minutes, attrs: bounds("lead_time_minutes"), hint: "The earliest a customer can book, counted from now." }) +
      SH.field({ name: "horizon_days", label: "Booking horizon (days)", type: "number", value: p.horizon_days, attrs: bounds("horizon_days"), hint: "How far ahead customers can book." }) +
      SH.field({ name: "slot_step_minutes", label: "Slot step (minutes)", type: "number", value: p.slot_step_minutes, attrs: bounds("slot_step_minutes"), hint: "Offered start times are this far apart (must divide a day)." }) +
      SH.field({ name: "cancellation_window_hours", label: "Cancellation window (hours)", type: "number", value: p.cancellation_window_hours, attrs: bounds("cancellation_window_hours"), hint: "Customers can cancel or move a booking until this long before it starts." }) +
      SH.field({ name: "auto_confirm", label: "Confirm new bookings automatically", type: "checkbox", value: p.auto_confirm }) +
      SH.field({ name: "verify_new_customers", label: "Verify new customers' phone numbers with a code", type: "checkbox", value: p.verify_new_customers })
    );
  }

  function bookingBox(slug) {
    var rows = [
      ["Your booking page", ""],
      ["From Instagram (profile link)", "instagram"],
      ["From Facebook (Page button)", "facebook"],
      ["From Messenger", "messenger"],
      ["From Instagram Stories (link sticker)", "story"],
    ];
    return (
      '<p>Share these links. The <code>src</code> part tells your analytics where each booking came from.</p>' +
      '<p><a href="' + esc(SH.bookingUrl(slug)) + '" data-external target="_blank" rel="noopener">Open your booking page<span class="visually-hidden"> (new tab)</span></a></p>' +
      rows
        .map(function (r, i) {
          return SH.copyRow(r[0], SH.bookingUrl(slug, r[1]), "link-" + i);
        })
        .join("")
    );
  }

  function settings(main) {
    return SH.api("GET", SH.salonPath()).then(function (salon) {
      main.innerHTML =
        '<h1 tabindex="-1">Settings</h1><div class="list-flash"></div>' +
        '<form id="settings-form" novalidate>' +
        SH.section(
          "Salon",
          SH.field({ name: "name", label: "Salon name", value: salon.name, required: true }) +
            SH.field({ name: "timezone", label: "Time zone", type: "select", options: SH.tzOptions(salon.timezone) }) +
            '<p class="hint">Plan: <strong>' + esc(salon.tier.charAt(0).toUpperCase() + salon.tier.slice(1)) + "</strong></p>"
        ) +
        SH.section("Booking policy", policyFields(salon.policy)) +
        SH.section(
          "Your look on the booking page",
          salon.tier === "elite"
            ? SH.field({ name: "brand_color", label: "Brand colour", type: "color", value: salon.branding.color || "#6d28d9", hint: "Buttons and highlights; darkened if needed so text on it stays readable." }) +
                SH.field({ name: "logo_url", label: "Logo address (https://…, optional)", value: salon.branding.logo_url || "", attrs: ' maxlength="500"' })
            : '<p class="hint">Your logo and colours on the booking page come with the Elite plan.</p>'
        ) +
        '<div class="form-actions"><button type="submit" class="btn">Save settings</button></div></form>' +
        SH.section("Your booking page", bookingBox(salon.slug), "booking-page");
      SH.wireCopy(SH.$("#booking-page", main));
      var form = SH.$("#settings-form", main);
      SH.onSubmit(form, function (v) {
        // Every policy field the API answered that the form has; an empty number is left as it
        // is, except on a field the limits mark optional, where it clears (null).
        var limits = JSON.parse(document.getElementById("boot").textContent).policy_limits;
        var policy = {};
        Object.keys(salon.policy).forEach(function (k) {
          if (!(k in v)) return;
          if (v[k] !== null || (limits[k] && limits[k].optional)) policy[k] = v[k];
        });
        var body = { name: v.name, timezone: v.timezone, policy: policy };
        if (salon.tier === "elite") body.branding = { color: v.brand_color || "", logo_url: v.logo_url || "" };
        return SH.api("PATCH", SH.salonPath(), body).then(function (s) {
          SH.session.salons.forEach(function (x) {
            if (x.id === s.id) {
              x.name = s.name;
              x.timezone = s.timezone;
            }
          });
          SH.layout();
          SH.notice(SH.$(".list-flash", main), "Settings saved.");
        });
      });
    });
  }

  SH.route("/admin/settings", "Settings", settings);
})();
