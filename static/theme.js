// Runs in <head> before first paint so a stored theme never flashes the default.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("better-share-theme");
    if (theme && /^[a-z0-9-]{1,30}$/.test(theme)) root.setAttribute("data-theme", theme);
  } catch (e) {
    // storage can be blocked; the OS preference still applies
  }
})();
