// Signpost: optional enhancements. Every page works without this file.
(function () {
  "use strict";
  // Copy buttons: <button data-copy="element-id">
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var text = source.value !== undefined ? source.value : source.textContent;
      var done = function () {
        var status = document.getElementById(button.getAttribute("data-status"));
        if (status) { status.textContent = button.getAttribute("data-copied") || "Copied"; }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { source.select && source.select(); });
      } else if (source.select) {
        source.select();
        document.execCommand("copy");
        done();
      }
    });
  });
  // Filters start open on wide screens (on a phone they would push the results down).
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    if (window.matchMedia("(min-width: 52rem)").matches) { details.open = true; }
  });
  // Live count: while filters change, say how many services Apply would show.
  var filters = document.querySelector("form[data-live-count]");
  if (filters && window.fetch && window.URLSearchParams && window.FormData) {
    var live = document.getElementById(filters.getAttribute("data-live-count"));
    var timer = null, asked = 0;
    var update = function () {
      var params = new URLSearchParams();
      new FormData(filters).forEach(function (value, name) {
        if (value !== "") { params.append(name, value); }
      });
      var mine = ++asked;
      fetch("/search/count?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (mine === asked) { live.textContent = body ? body.text : ""; }
        }, function () { live.textContent = ""; });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(update, 250); };
    filters.addEventListener("change", later);
    filters.addEventListener("input", later);
  }
  // Print buttons: <button data-print>
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Exit this page: the link works without JavaScript; with it, the page is replaced in
  // history and pressing Shift three times leaves too.
  var exit = document.querySelector("[data-exit-page]");
  if (exit) {
    var leave = function (event) {
      if (event) { event.preventDefault(); }
      document.body.hidden = true;
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var presses = 0, timer = null;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") { return; }
      presses += 1;
      clearTimeout(timer);
      timer = setTimeout(function () { presses = 0; }, 1000);
      if (presses >= 3) { leave(); }
    });
  }
})();
