/* Dossier: progressive enhancement only. Every page is complete without this script. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "./";

  /* ---- Timeline filters: apply in place and keep the URL shareable ---- */
  var form = document.querySelector("[data-filters]");
  if (form) {
    form.hidden = false;
    var events = Array.prototype.slice.call(document.querySelectorAll("li.event"));
    var status = form.querySelector("[data-filter-status]");
    var names = ["actor", "place", "tag", "from", "to"];
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (n) {
      var field = form.elements[n];
      var value = params.get(n);
      if (!field || !value) { return; }
      var known = field.tagName !== "SELECT" ||
        Array.prototype.some.call(field.options, function (o) { return o.value === value; });
      if (!known) { /* carried over from another year, where it had events */
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + " (no events here)";
        field.appendChild(option);
      }
      field.value = value;
    });
    var has = function (list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; };
    var apply = function (updateUrl) {
      var v = {};
      names.forEach(function (n) { v[n] = form.elements[n] ? form.elements[n].value : ""; });
      var shown = 0;
      events.forEach(function (li) {
        var ok = (!v.actor || has(li.dataset.actors, v.actor)) &&
          (!v.place || has(li.dataset.locations, v.place)) &&
          (!v.tag || li.dataset.tags.split("|").indexOf(v.tag) >= 0) &&
          (!v.from || li.dataset.end >= v.from) && (!v.to || li.dataset.start <= v.to);
        li.hidden = !ok;
        if (ok) { shown += 1; }
      });
      document.querySelectorAll("section.month, section.year").forEach(function (s) {
        s.hidden = !s.querySelector("li.event:not([hidden])");
      });
      var active = names.some(function (n) { return v[n]; });
      var year = form.getAttribute("data-year");
      status.textContent = !active ? "" : shown + " of " + events.length + " events shown" +
        (year ? " in " + year + "; the filter stays on as you go to the next or previous year" : "");
      var q = new URLSearchParams();
      names.forEach(function (n) { if (v[n]) { q.set(n, v[n]); } });
      var s = q.toString();
      /* a timeline split by year: the links to the other years carry the filter along */
      document.querySelectorAll("a[data-keep-filter]").forEach(function (a) {
        a.href = a.getAttribute("href").split("?")[0] + (s ? "?" + s : "");
      });
      if (updateUrl) {
        history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "") + window.location.hash);
      }
    };
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("input", function (e) { if (e.target.type === "date") { apply(true); } });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    apply(false);
  }

  /* ---- Search with Pagefind's index (built by `dossier build`) ---- */
  var box = document.querySelector("[data-search]");
  if (!box) { return; }
  box.hidden = false;
  var input = box.querySelector("input");
  var out = box.querySelector(".search-results");
  var pagefind = null;
  var say = function (text) { out.innerHTML = ""; var p = document.createElement("p"); p.textContent = text; out.appendChild(p); };
  var load = function () {
    if (pagefind) { return Promise.resolve(pagefind); }
    if (window.location.protocol === "file:") {
      return Promise.reject(new Error("file"));
    }
    var base = new URL(root, window.location.href);
    return import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
      pf.options({ baseUrl: base.pathname });
      pagefind = pf;
      return pf;
    });
  };
  var seq = 0;
  input.addEventListener("input", function () {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { out.innerHTML = ""; return; }
    load().then(function (pf) { return pf.debouncedSearch(q, {}, 150); }).then(function (res) {
      if (mine !== seq || !res) { return null; }
      return Promise.all(res.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (items) {
      if (!items || mine !== seq) { return; }
      if (!items.length) { say("No results for “" + q + "”."); return; }
      var ul = document.createElement("ul");
      items.forEach(function (d) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = d.url;
        a.textContent = (d.meta && d.meta.title) || d.url;
        li.appendChild(a);
        ul.appendChild(li);
      });
      out.innerHTML = "";
      out.appendChild(ul);
    }).catch(function (err) {
      if (err && err.message === "file") {
        say("Search needs the site to be served over HTTP (browsers block it on pages opened from disk). Try `dossier serve`, or use the Actors and Places lists.");
      } else {
        say("Search is not available: the search index was not built (run `dossier build` with Pagefind installed).");
      }
    });
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") { input.value = ""; out.innerHTML = ""; } });
})();
