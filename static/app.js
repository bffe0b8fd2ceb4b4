// Progressive enhancements only: the page is complete without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "better-share-theme";

  // Theme picker. The choice is a cookie: the server writes it into
  // <html data-theme>, so every later page paints in it from the start.
  function rememberTheme(value) {
    var cookie = THEME_KEY + "=" + (value === "system" ? "; Max-Age=0" : value + "; Max-Age=31536000");
    document.cookie = cookie + "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }
  var picker = document.getElementById("theme-picker");
  if (picker) {
    picker.value = root.getAttribute("data-theme") || "system";
    picker.addEventListener("change", function () {
      var value = picker.value;
      root.setAttribute("data-theme", value);
      rememberTheme(value);
    });
  }
  // A choice kept by an earlier version of this page, in localStorage: move it
  // to the cookie. The first localStorage access of a page waits for the
  // browser to open the storage, so it runs after the first paint.
  function moveStoredTheme() {
    try {
      var stored = localStorage.getItem(THEME_KEY);
      if (stored === null) return;
      if (!root.hasAttribute("data-theme") && /^[a-z0-9-]{1,30}$/.test(stored) && picker.querySelector('option[value="' + stored + '"]')) {
        root.setAttribute("data-theme", stored);
        rememberTheme(stored);
        picker.value = stored;
      }
      localStorage.removeItem(THEME_KEY);
    } catch (e) {}
  }

  // Copy buttons (one listener for the whole page)
  function textToCopy(button) {
    var kind = button.getAttribute("data-copy");
    var box;
    if (kind === "msg") {
      box = button.closest(".msg");
      var body = box && box.querySelector(".msg-body");
      return body ? body.innerText : "";
    }
    box = button.closest(kind === "code" ? ".code" : kind === "cmd" ? ".cmd" : ".out");
    if (!box) return "";
    var pres = box.querySelectorAll("pre");
    var text = "";
    for (var i = 0; i < pres.length; i++) text += pres[i].textContent;
    return text;
  }
  function copied(button, ok) {
    var label = button.textContent;
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(function () { button.textContent = label; }, 1500);
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest("button.copy") : null;
    if (!button) return;
    var text = textToCopy(button);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); }, function () { copied(button, false); });
    } else {
      copied(button, false);
    }
  });

  // Printing shows everything, including collapsed outputs and reasoning.
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) closed[i].setAttribute("open", "");
  });

  // Local times, in the server's "YYYY-MM-DD HH:MM UTC" shape so nothing
  // reflows. Date getters, not Intl: the first Intl date format loads locale
  // data for 25-50 ms and toLocaleString with options builds a formatter per
  // call, which held up the first paint of every page.
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function localTime(d) {
    var off = -d.getTimezoneOffset();
    var zone = "UTC";
    if (off) zone += (off > 0 ? "+" : "\u2212") + Math.floor(Math.abs(off) / 60) + (Math.abs(off) % 60 ? ":" + pad(Math.abs(off) % 60) : "");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + zone;
  }
  function localizeTimes(scope) {
    var times = scope.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var d = new Date(times[i].getAttribute("datetime"));
      if (isNaN(d.getTime())) continue;
      var local = localTime(d);
      if (local === times[i].textContent) continue;
      times[i].title = times[i].textContent;
      times[i].textContent = local;
    }
  }

  // Permalinks to another page of a long session: let the server find the page.
  var params = new URLSearchParams(location.search);
  if (location.hash.length > 1 && !params.has("find")) {
    var anchor = decodeURIComponent(location.hash.slice(1));
    if (/^[mp]-[0-9A-Za-z_-]{1,80}$/.test(anchor) && !document.getElementById(anchor)) {
      location.replace(location.pathname + "?find=" + encodeURIComponent(anchor) + location.hash);
      return;
    }
  }

  // What the first paint does not need runs after it: a requestAnimationFrame
  // callback comes just before a frame is drawn, a task posted from it after.
  // (Hidden tabs draw no frames; there nothing waits for one.)
  function afterFirstPaint(fn) {
    if (document.visibilityState === "visible") requestAnimationFrame(function () { setTimeout(fn, 0); });
    else setTimeout(fn, 0);
  }
  afterFirstPaint(function () {
    if (picker) moveStoredTheme();
    localizeTimes(document);
    startLive();
  });

  function startLive() {
    // Live view: poll the page itself with its ETag while the tab is visible.
    var live = document.getElementById("live");
    var status = document.getElementById("live-status");
    if (!live || !status || !window.fetch || !window.DOMParser) return;
    var etag = live.getAttribute("data-etag");
    var updatedAt = Date.now();
    var gone = false;
    var busy = false;

    function ago() {
      var s = Math.round((Date.now() - updatedAt) / 1000);
      if (s < 10) return "just now";
      if (s < 60) return s + " s ago";
      var m = Math.round(s / 60);
      if (m < 60) return m + " min ago";
      return Math.round(m / 60) + " h ago";
    }
    function showStatus() {
      if (gone) return;
      status.textContent = "Live · updated " + ago();
    }

    function openDetailsKeys(scope) {
      var keys = [];
      var list = scope.querySelectorAll("details[open]");
      for (var i = 0; i < list.length; i++) {
        var owner = list[i].parentElement && list[i].parentElement.closest("[id]");
        if (!owner) continue;
        var all = owner.querySelectorAll("details");
        keys.push(owner.id + ":" + Array.prototype.indexOf.call(all, list[i]));
      }
      return keys;
    }
    function reopen(scope, keys) {
      for (var i = 0; i < keys.length; i++) {
        var at = keys[i].lastIndexOf(":");
        var owner = document.getElementById(keys[i].slice(0, at));
        if (!owner || !scope.contains(owner)) continue;
        var d = owner.querySelectorAll("details")[Number(keys[i].slice(at + 1))];
        if (d) d.open = true;
      }
    }

    function poll() {
      if (busy || gone || document.visibilityState !== "visible") return;
      busy = true;
      fetch(location.pathname + location.search, {
        headers: etag ? { "If-None-Match": etag } : {},
        cache: "no-store",
        credentials: "same-origin",
      })
        .then(function (res) {
          if (res.status === 304) return null;
          if (res.status === 404) {
            gone = true;
            status.textContent = "This share was removed";
            return null;
          }
          if (!res.ok) return null;
          return res.text();
        })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var next = doc.getElementById("live");
          if (!next) return;
          var keys = openDetailsKeys(live);
          var atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
          next = document.adoptNode(next);
          live.replaceWith(next);
          live = next;
          etag = live.getAttribute("data-etag");
          reopen(live, keys);
          localizeTimes(live);
          if (doc.title) document.title = doc.title;
          updatedAt = Date.now();
          if (atBottom) window.scrollTo(0, document.body.scrollHeight);
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          showStatus();
        });
    }

    status.hidden = false;
    showStatus();
    setInterval(poll, 4000);
    setInterval(showStatus, 10000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") poll();
    });
  }
})();
