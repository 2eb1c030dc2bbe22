/* Facebook & Instagram (/admin/integrations/meta): plan check, connect / page picker / sync /
   disconnect, live status (refreshed every 15 s), what customers will see, booking links + QR. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var STATUS_TEXT = {
    not_connected: ["Not connected", "Connect to add Book buttons to your Facebook Page and Instagram profile."],
    pending: ["Almost done", "Choose which Facebook Page to connect below."],
    active: ["Connected", "Customers can book from your Facebook Page, Instagram profile and Messenger."],
    error: ["Needs attention", "The connection stopped working. Reconnect to fix it."],
    disconnected: ["Disconnected", "Connect again to take bookings from Facebook and Instagram."],
  };

  function metaPost(path) {
    return SH.api("POST", "/api/meta/" + path, { salon_id: SH.salonId });
  }

  function tokenText(t) {
    if (t.valid === null || t.valid === undefined) return "Not checked yet.";
    if (!t.valid) return "Facebook no longer accepts our access. Reconnect to fix it.";
    var out = "Valid" + (t.expires_at ? " until " + SH.when(t.expires_at) : ", does not expire") + ".";
    if (t.data_access_expires_at) out += " Data access renews by " + SH.when(t.data_access_expires_at) + " (any login renews it).";
    return out;
  }

  function statusBox(st) {
    var words = STATUS_TEXT[st.status] || [st.status, ""];
    var rows = [
      ["Status", '<strong class="meta-status meta-' + esc(st.status) + '">' + esc(words[0]) + "</strong> " + esc(words[1])],
      ["Facebook Page", st.page ? esc(st.page.name) : "None"],
      ["Instagram", st.instagram && st.instagram.username ? "@" + esc(st.instagram.username) : "No Instagram business account linked to the Page"],
      ["Access", esc(tokenText(st.token))],
      ["Last sync", st.last_sync_at ? esc(SH.when(st.last_sync_at)) : "Not yet"],
    ];
    if (st.sync_error) rows.push(["Sync problem", esc(st.sync_error) + " Use “Sync now” to try again; if it keeps failing, reconnect."]);
    if (st.sync_lag_seconds > 60) rows.push(["Waiting", "Changes from the last " + Math.round(st.sync_lag_seconds / 60) + " minutes are not on Facebook yet."]);
    var warnings = (st.warnings || []).length
      ? '<div class="warnings" role="note"><h3>Things to fix</h3><ul>' +
        st.warnings
          .map(function (w) {
            return "<li>" + esc(w) + "</li>";
          })
          .join("") +
        "</ul></div>"
      : "";
    return (
      '<dl class="facts">' +
      rows
        .map(function (r) {
          return "<div><dt>" + r[0] + "</dt><dd>" + r[1] + "</dd></div>";
        })
        .join("") +
      "</dl>" + warnings
    );
  }

  function actionsBox(st) {
    var connected = st.status === "active" || st.status === "error" || st.status === "pending";
    var out = '<div class="form-actions">';
    if (!connected) out += '<button type="button" class="btn" data-action="connect">Connect Facebook &amp; Instagram</button>';
    else out += '<button type="button" class="btn btn-secondary" data-action="connect">Reconnect</button>';
    if (st.status === "active" || st.status === "error") out += '<button type="button" class="btn btn-secondary" data-action="sync">Sync now</button>';
    if (connected) out += '<button type="button" class="btn btn-danger" data-action="disconnect">Disconnect</button>';
    return out + "</div>";
  }

  function pagePicker(st) {
    if (st.status !== "pending") return "";
    var pages = st.pages || [];
    return SH.section(
      "Choose your Facebook Page",
      pages.length
        ? '<form id="page-picker" novalidate><fieldset><legend>Pages you granted</legend>' +
            pages
              .map(function (p, i) {
                var id = "page-" + i;
                return (
                  '<div class="field-check"><input type="radio" name="page_id" id="' + id + '" value="' + esc(p.id) + '"' +
                  (p.available ? "" : " disabled") + ">" +
                  '<label for="' + id + '">' + esc(p.name) + (p.instagram_username ? " (Instagram @" + esc(p.instagram_username) + ")" : " (no Instagram account)") +
                  (p.available ? "" : ' <span class="unavailable">— already connected to another SalonHub salon</span>') + "</label></div>"
                );
              })
              .join("") +
            '<p class="field-error" data-for="page_id"></p></fieldset><div class="form-actions"><button type="submit" class="btn">Connect this Page</button></div></form>'
        : "<p>The login granted no Page. Reconnect and select your salon's Page.</p>",
      "picker"
    );
  }

  function reviewBox(st, cat) {
    var active = cat.services.filter(function (s) {
      return s.active;
    });
    var staff = cat.staff.filter(function (m) {
      return m.active;
    });
    var buttons = [
      ["Facebook Page “Book” button", st.buttons.facebook],
      ["Instagram profile “Book” button", st.buttons.instagram],
      ["Messenger menu", st.buttons.messenger],
    ];
    return (
      "<h3>Services</h3>" +
      (active.length
        ? '<ul class="plain">' +
          active
            .map(function (s) {
              return "<li>" + esc(s.name) + " · " + s.duration_minutes + " min · " + esc(SH.money(s.price_minor, s.currency)) + "</li>";
            })
            .join("") +
          "</ul>"
        : '<p>No active services: customers would have nothing to book. <a href="/admin/services">Add services</a>.</p>') +
      "<h3>Staff</h3>" +
      (staff.length
        ? "<p>" + esc(staff.map(function (m) { return m.name; }).join(", ")) + "</p>"
        : '<p>No staff yet. <a href="/admin/staff">Add staff</a>.</p>') +
      "<h3>Buttons</h3><ul class=\"plain\">" +
      buttons
        .map(function (b) {
          return "<li>" + esc(b[0]) + ": " + (b[1] ? "opens <code>" + esc(b[1]) + "</code>" : "not set yet") + "</li>";
        })
        .join("") +
      "</ul>"
    );
  }

  function linksBox(links) {
    var rows = [
      ["Instagram profile link", links.instagram],
      ["Facebook link", links.facebook],
      ["Messenger link", links.messenger],
      ["Stories link sticker", links.story],
    ];
    return (
      rows
        .map(function (r, i) {
          return SH.copyRow(r[0], r[1], "meta-link-" + i);
        })
        .join("") +
      '<figure class="qr"><img src="/admin/qr.svg?data=' + encodeURIComponent(links.story) + '" width="180" height="180" alt="QR code for the Stories booking link">' +
      "<figcaption>Scan to open the Stories booking link, or save it for a printed poster.</figcaption></figure>"
    );
  }

  function integrations(main) {
    return Promise.all([
      SH.api("GET", "/api/meta/status/" + encodeURIComponent(SH.salonId)).catch(function (e) {
        if (e.code === "plan_required") return null;
        throw e;
      }),
      SH.catalog(),
    ]).then(function (r) {
      if (!r[0]) {
        main.innerHTML =
          '<h1 tabindex="-1">Facebook &amp; Instagram</h1>' +
          SH.planPrompt("Connecting your Facebook Page and Instagram account is part of the Growth and Elite plans.") +
          '<p>Your booking page links work on every plan: find them in <a href="/admin/settings">Settings</a>.</p>';
        return;
      }
      draw(main, r[0], r[1]);
      var timer = setInterval(function () {
        poll(main, r[1]);
      }, 15000);
      SH.onLeave(function () {
        clearInterval(timer);
      });
    });
  }

  var lastStatus = null;
  function draw(main, st, cat) {
    lastStatus = st.status;
    main.innerHTML =
      '<h1 tabindex="-1">Facebook &amp; Instagram</h1><div class="list-flash"></div>' +
      '<section class="card" id="meta-status" aria-labelledby="meta-status-h"><h2 id="meta-status-h">Connection</h2><div id="status-body">' +
      statusBox(st) + "</div>" + actionsBox(st) + "</section>" +
      pagePicker(st) +
      SH.section("What customers will see", reviewBox(st, cat), "review") +
      SH.section("Booking links", linksBox(st.booking_links), "meta-links");
    SH.wireCopy(SH.$("#meta-links", main));
    SH.actions(SH.$("#meta-status", main), {
      connect: function (b) {
        b.disabled = true;
        metaPost("connect").then(
          function (r) {
            window.location.assign(r.authorize_url);
          },
          function (e) {
            b.disabled = false;
            SH.notice(SH.$(".list-flash", main), e.message, "error");
          }
        );
      },
      sync: function (b) {
        b.disabled = true;
        metaPost("sync").then(
          function () {
            b.disabled = false;
            SH.notice(SH.$(".list-flash", main), "Sync started. The status updates in a few seconds.");
            setTimeout(function () {
              poll(main, cat);
            }, 3000);
          },
          function (e) {
            b.disabled = false;
            SH.notice(SH.$(".list-flash", main), e.status === 404 || e.status === 405 ? "Sync now is not available on this server yet." : e.message, "error");
          }
        );
      },
      disconnect: function (b) {
        b.disabled = true;
        metaPost("disconnect").then(
          function (s) {
            draw(main, s, cat);
            SH.notice(SH.$(".list-flash", main), "Disconnected. The Book buttons were removed.");
          },
          function (e) {
            b.disabled = false;
            SH.notice(SH.$(".list-flash", main), e.message, "error");
          }
        );
      },
    });
    var picker = SH.$("#page-picker", main);
    if (picker)
      SH.onSubmit(picker, function (v) {
        var chosen = SH.$('input[name="page_id"]:checked', picker);
        if (!chosen) throw new SH.ApiError(422, { error: { message: "Choose a Page.", details: { fields: { page_id: "choose one" } } } });
        return SH.api("POST", "/api/meta/select-page", { salon_id: SH.salonId, page_id: chosen.value }).then(function (s) {
          SH.$("#flash-area").textContent = "";
          draw(main, s, cat);
          SH.notice(SH.$(".list-flash", main), "Connected to " + (s.page ? s.page.name : "your Page") + ".");
          SH.$("#main h1").focus();
        });
      });
  }

  function poll(main, cat) {
    SH.api("GET", "/api/meta/status/" + encodeURIComponent(SH.salonId)).then(
      function (st) {
        var body = SH.$("#status-body", main);
        if (!body) return;
        if (st.status !== lastStatus && !main.contains(document.activeElement)) return draw(main, st, cat);
        body.innerHTML = statusBox(st);
      },
      function () {
        /* keep the last status; the next poll tries again */
      }
    );
  }

  SH.route("/admin/integrations/meta", "Facebook & Instagram", integrations);
  SH.route("/admin/integrations", "Facebook & Instagram", integrations);
})();
