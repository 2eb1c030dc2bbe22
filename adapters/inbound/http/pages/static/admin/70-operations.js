/* Operations (/admin/operations): failed webhook events with Replay, the message log, and the
   audit log with "Load more". */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;

  function table(caption, heads, rows) {
    return (
      '<div class="table-wrap"><table><caption class="visually-hidden">' + esc(caption) + "</caption><thead><tr>" +
      heads
        .map(function (h) {
          return '<th scope="col">' + esc(h) + "</th>";
        })
        .join("") +
      "</tr></thead><tbody>" + rows + "</tbody></table></div>"
    );
  }
  function short(id) {
    return id ? '<code title="' + esc(id) + '">' + esc(id.slice(0, 8)) + "</code>" : "—";
  }

  function eventsBox(items) {
    if (!items.length) return '<p class="empty">No failed events. Everything Facebook sent us was processed.</p>';
    return table(
      "Failed webhook events",
      ["Received", "Kind", "Attempts", "Error", "Action"],
      items
        .map(function (e) {
          return (
            '<tr><td>' + esc(SH.when(e.received_at)) + "</td><td>" + esc(e.kind) + "</td><td>" + esc(e.attempts) + "</td><td>" + esc(e.error || "") + "</td>" +
            '<td><button type="button" class="btn btn-small" data-action="replay" data-id="' + esc(e.id) + '">Replay<span class="visually-hidden"> event ' + esc(e.id) + "</span></button></td></tr>"
          );
        })
        .join("")
    );
  }

  function messagesBox(items) {
    if (!items.length) return '<p class="empty">No messages sent yet.</p>';
    return table(
      "Messages sent",
      ["When", "What", "To (customer)", "Booking", "Channel", "Why this channel", "Status"],
      items
        .map(function (m) {
          return (
            "<tr><td>" + esc(SH.when(m.sent_at || m.created_at)) + "</td><td>" + esc((m.purpose || m.kind).replace(/_/g, " ")) + "</td><td>" +
            short(m.customer_id) + "</td><td>" + short(m.booking_id) + "</td><td>" + esc(m.channel || "none") + "</td><td>" + esc(m.reason || "") +
            "</td><td>" + esc(m.status) + (m.error ? '<br><span class="error-text">' + esc(m.error) + "</span>" : "") +
            (m.attempts > 1 ? '<br><span class="hint">' + m.attempts + " attempts</span>" : "") + "</td></tr>"
          );
        })
        .join("")
    );
  }

  function changesText(changes) {
    return Object.keys(changes || {})
      .map(function (k) {
        var c = changes[k];
        var show = function (v) {
          return v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);
        };
        return k + ": " + show(c[0]) + " → " + show(c[1]);
      })
      .join("; ");
  }
  function auditRows(items) {
    return items
      .map(function (a) {
        return (
          "<tr><td>" + esc(SH.when(a.at)) + "</td><td>" + esc(a.actor.type) + "</td><td>" + esc(a.action) + "</td><td>" +
          esc(a.entity.type) + " " + short(a.entity.id) + '</td><td class="changes">' + esc(changesText(a.changes)) + "</td></tr>"
        );
      })
      .join("");
  }

  function operations(main) {
    main.innerHTML =
      '<h1 tabindex="-1">Operations</h1><div class="list-flash"></div>' +
      SH.section("Failed Facebook & Instagram events", '<div id="events"><p class="loading">Loading…</p></div>', "events-card") +
      SH.section("Message log", '<p class="hint">What was sent to whom, by which channel, and why.</p><div id="messages"><p class="loading">Loading…</p></div>', "messages-card") +
      SH.section("Audit log", '<p class="hint">Every change, newest first.</p><div id="audit"><p class="loading">Loading…</p></div>', "audit-card");
    var flash = SH.$(".list-flash", main);
    function loadEvents() {
      return SH.api("GET", SH.salonPath("/webhook-events?status=failed")).then(
        function (r) {
          SH.$("#events", main).innerHTML = eventsBox(r.items);
        },
        function (e) {
          SH.$("#events", main).innerHTML = '<p class="flash flash-error">' + esc(e.message) + "</p>";
        }
      );
    }
    SH.actions(SH.$("#events", main), {
      replay: function (b) {
        b.disabled = true;
        SH.api("POST", SH.salonPath("/webhook-events/" + encodeURIComponent(b.dataset.id) + "/replay")).then(
          function () {
            SH.notice(flash, "Replay queued.");
            return loadEvents();
          },
          function (e) {
            b.disabled = false;
            SH.notice(flash, e.message, "error");
          }
        );
      },
    });
    var messages = SH.api("GET", SH.salonPath("/messages?limit=100")).then(
      function (r) {
        SH.$("#messages", main).innerHTML = messagesBox(r.items);
      },
      function (e) {
        SH.$("#messages", main).innerHTML = '<p class="flash flash-error">' + esc(e.message) + "</p>";
      }
    );
    var audit = loadAudit(main, null);
    return Promise.all([loadEvents(), messages, audit]);
  }

  function loadAudit(main, cursor) {
    var box = SH.$("#audit", main);
    return SH.api("GET", SH.salonPath("/audit" + SH.qs({ limit: 50, cursor: cursor }))).then(
      function (r) {
        var more = SH.$(".load-more", box);
        if (more) more.remove();
        if (!cursor) {
          box.innerHTML = r.items.length
            ? table("Audit log", ["When", "Who", "Action", "What", "Changes"], auditRows(r.items))
            : '<p class="empty">Nothing recorded yet.</p>';
        } else {
          SH.$("tbody", box).insertAdjacentHTML("beforeend", auditRows(r.items));
          SH.announce(r.items.length + " more entries loaded.");
        }
        if (r.next_cursor) {
          box.insertAdjacentHTML("beforeend", '<p class="load-more"><button type="button" class="btn btn-secondary">Load more</button></p>');
          var btn = SH.$(".load-more button", box);
          btn.addEventListener("click", function () {
            btn.disabled = true;
            loadAudit(main, r.next_cursor).then(function () {
              var next = SH.$(".load-more button", box);
              if (next) next.focus();
            });
          });
        }
      },
      function (e) {
        box.insertAdjacentHTML("beforeend", '<p class="flash flash-error" role="alert">' + esc(e.message) + "</p>");
      }
    );
  }

  SH.route("/admin/operations", "Operations", operations);
})();
