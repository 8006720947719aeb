// Old WordPress links by ID (/?p=12, /?page_id=3, /?attachment_id=7) all reach the home page of the
// static site; this sends them on to the page's new URL. It is a file, not an inline script, because
// the sites' Content-Security-Policy runs only the site's own script files (script-src 'self').
// The map (data-map, the converter's data/wordpress_redirects.json) is fetched only when the address
// carries one of the keys, so an ordinary visit to the home page costs this one small cached file.
(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  var keys = ["p", "page_id", "attachment_id"].filter(function (key) {
    return params.get(key);
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
        var target = map[keys[i]] && map[keys[i]][params.get(keys[i])];
        if (target) {
          window.location.replace(base + target + window.location.hash);
          return;
        }
      }
    })
    .catch(function () {
      // No map, no redirect: the visitor stays on the home page.
    });
})();
