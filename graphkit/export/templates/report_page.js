(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.toc a"));
  var byId = {};
  links.forEach(function (a) { byId[a.getAttribute("href").slice(1)] = a; });
  if (!("IntersectionObserver" in window)) { return; }
  var seen = new Map();
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { seen.set(e.target.id, e.isIntersecting); });
    var first = null;
    document.querySelectorAll("main section[id]").forEach(function (s) {
      if (!first && seen.get(s.id) && byId[s.id]) { first = s.id; }
    });
    if (first) {
      links.forEach(function (a) { a.classList.remove("active"); });
      byId[first].classList.add("active");
    }
  }, { rootMargin: "0px 0px -70% 0px" });
  document.querySelectorAll("main section[id]").forEach(function (s) { observer.observe(s); });
})();
(function () {
  "use strict";
  // Printing from a browser: open every collapsed list first, close again afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
