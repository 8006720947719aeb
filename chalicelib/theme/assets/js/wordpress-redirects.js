// Old WordPress links by query (/?p=12, /?page_id=3, /?attachment_id=7, /?cat=4, /?tag=rye,
// /?author=2, /?feed=rss2, and searches, /?s=words) all reach the home page of the static site; this sends them on to the new
// URL. It is a file, not an inline script, because the sites' Content-Security-Policy runs only the
// site's own script files (script-src 'self'). The query keys (data-keys) and the map (data-map) both
// come from the converter's data/wordpress_redirects.json, which has one table per key (value -> new
// URL). The map is fetched only when the address carries one of the keys, so an ordinary visit to
// the home page costs this one small cached file.
(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  // A WordPress search (/?s=words) goes to the site's search page with the same words, when the site
  // has Presslift's (data-search is its address).
  var search = script && script.getAttribute("data-search");
  if (search && params.get("s") !== null) {
    window.location.replace(search + "?q=" + encodeURIComponent(params.get("s")));
    return;
  }
  var keys = ((script && script.getAttribute("data-keys")) || "").split(" ").filter(function (key) {
    return key && params.get(key);
  });
  if (!script || !keys.length) {
    return;
  }
  var base = (script.getAttribute("data-base") || "/").replace(/\/$/, "");
  fetch(script.getAttribute("data-map"), { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.json() : {};
    })
    .then(function (map) {
      for (var i = 0; i < keys.length; i++) {
        var table = map[keys[i]];
        var target = table && table[params.get(keys[i])];
        if (target) {
          // Media kept on another host (a CDN) is named by its full URL.
          var absolute = /^https?:\/\//.test(target);
          window.location.replace((absolute ? "" : base) + target + window.location.hash);
          return;
        }
      }
    })
    .catch(function () {
      // No map, no redirect: the visitor stays on the home page.
    });
})();
