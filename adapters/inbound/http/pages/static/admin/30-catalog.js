/* The catalog screens' shared parts (SH.editing): the list + add/edit form editor, the form's
   buttons, (de)activating an item. The screens: 31-services, 32-staff, 33-hours. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;

  /** A list + add/edit form screen: the form switches between "Add" and "Edit <name>". */
  function editor(main, opts) {
    var form = SH.$("form", SH.$("#" + opts.formId, main));
    var heading = SH.$("#" + opts.formId + " h2", main);
    var editing = null;
    function reset() {
      editing = null;
      form.reset();
      SH.clearErrors(form);
      heading.textContent = opts.addTitle;
      SH.$('[type="submit"]', form).textContent = opts.addTitle;
      SH.$(".cancel-edit", form).hidden = true;
      if (opts.onReset) opts.onReset(form);
    }
    SH.$(".cancel-edit", form).addEventListener("click", reset);
    SH.onSubmit(form, function (v) {
      var body = opts.body(v);
      var call = editing
        ? SH.api("PATCH", SH.salonPath(opts.path + "/" + encodeURIComponent(editing.id)), body)
        : SH.api("POST", SH.salonPath(opts.path), body);
      return call.then(function (saved) {
        SH.notice(SH.$(".list-flash", main), (editing ? "Saved " : "Added ") + saved.name + ".");
        reset();
        return opts.reload();
      });
    });
    return {
      edit: function (item) {
        editing = item;
        SH.clearErrors(form);
        opts.fill(form, item);
        heading.textContent = "Edit " + item.name;
        SH.$('[type="submit"]', form).textContent = "Save changes";
        SH.$(".cancel-edit", form).hidden = false;
        SH.$("input", form).focus();
      },
    };
  }

  function formButtons(label) {
    return (
      '<div class="form-actions"><button type="submit" class="btn">' + esc(label) + "</button>" +
      '<button type="button" class="btn btn-secondary cancel-edit" hidden>Cancel editing</button></div>'
    );
  }

  function setActive(main, path, item, active, reload) {
    var url = SH.salonPath(path + "/" + encodeURIComponent(item.id));
    var call = active ? SH.api("PATCH", url, { active: true }) : SH.api("DELETE", url);
    return call.then(
      function () {
        SH.notice(SH.$(".list-flash", main), item.name + (active ? " is active again." : " is deactivated."));
        return reload();
      },
      function (e) {
        SH.notice(SH.$(".list-flash", main), e.message, "error");
      }
    );
  }

  SH.editing = { editor: editor, formButtons: formButtons, setActive: setActive };
})();
