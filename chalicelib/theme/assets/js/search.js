/* Presslift's search page. Asks Pagefind's static index (pagefind/pagefind.js) when the site has one,
   else Algolia's REST search with the search-only key given on the page. Plain JavaScript, no
   dependencies, no build step. Results are written as text: only <mark> survives from excerpts. */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root) return;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var config = root.dataset;
  var backend = null;
  var latest = 0;
  var timer = 0;

  function onlyMarks(html) {
    return String(html || "").replace(/<(?!\/?mark>)[^>]*>/gi, "");
  }

  function pagefind() {
    return import(config.pagefind).then(function (module) {
      var ready = module.options ? module.options({ baseUrl: config.base }) : Promise.resolve();
      return Promise.resolve(ready).then(function () {
        return {
          name: "pagefind",
          search: function (query) {
            return module.search(query).then(function (found) {
              var results = (found && found.results) || [];
              return Promise.all(results.slice(0, 20).map(function (r) { return r.data(); }));
            }).then(function (pages) {
              return pages.map(function (page) {
                return { url: page.url, title: (page.meta && page.meta.title) || page.url, excerpt: page.excerpt };
              });
            });
          }
        };
      });
    });
  }

  function algolia() {
    if (!config.algoliaAppId || !config.algoliaIndex || !config.algoliaKey) {
      return Promise.reject(new Error("no Algolia settings"));
    }
    var host = config.algoliaHost || "https://" + config.algoliaAppId + "-dsn.algolia.net";
    var url = host.replace(/\/$/, "") + "/1/indexes/" + encodeURIComponent(config.algoliaIndex) +
      "/query?x-algolia-application-id=" + encodeURIComponent(config.algoliaAppId) +
      "&x-algolia-api-key=" + encodeURIComponent(config.algoliaKey);
    return Promise.resolve({
      name: "algolia",
      search: function (query) {
        // A form-encoded content type keeps this a "simple" request: no CORS preflight round trip.
        return fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: JSON.stringify({ query: query, hitsPerPage: 20 })
        }).then(function (response) {
          if (!response.ok) throw new Error("Algolia answered " + response.status);
          return response.json();
        }).then(function (body) {
          return (body.hits || []).map(function (hit) {
            var snippet = hit._snippetResult && hit._snippetResult.content;
            return { url: hit.url, title: hit.title || hit.url, excerpt: (snippet && snippet.value) || hit.summary || "" };
          });
        });
      }
    });
  }

  function show(query, results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.className = "search-result";
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      item.appendChild(link);
      if (result.excerpt) {
        var excerpt = document.createElement("p");
        excerpt.className = "search-excerpt";
        excerpt.innerHTML = onlyMarks(result.excerpt);
        item.appendChild(excerpt);
      }
      list.appendChild(item);
    });
    var label = results.length ? config.textResults : config.textNone;
    status.textContent = label + " \u201c" + query + "\u201d" + (results.length ? " (" + results.length + ")" : "");
    root.setAttribute("data-backend", backend ? backend.name : "");
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    var address = new URL(window.location.href);
    if (query) address.searchParams.set("q", query); else address.searchParams.delete("q");
    window.history.replaceState(null, "", address);
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    ready.then(function (found) {
      if (!found) { status.textContent = config.textUnavailable; return null; }
      return found.search(query);
    }).then(function (results) {
      if (results && ticket === latest) show(query, results);
    }).catch(function () {
      if (ticket === latest) status.textContent = config.textUnavailable;
    });
  }

  var ready = pagefind().catch(algolia).then(function (found) {
    backend = found;
    root.setAttribute("data-backend", found.name);
    return found;
  }, function () {
    root.setAttribute("data-backend", "none");
    return null;
  });

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  root.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) { input.value = initial; run(); }
})();
