// Offers the device's own time zone when the page shows another one (the choice stays the person's).
(function () {
  "use strict";
  var select = document.getElementById("tz");
  var hint = document.getElementById("tz-hint");
  if (!select || !hint || !window.Intl) { return; }
  var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var params = new URLSearchParams(window.location.search);
  var same = (select.dataset.aliases || "").split(" ").indexOf(detected) >= 0;
  if (!detected || same || detected === select.dataset.current || params.get("tz")) { return; }
  var exists = Array.prototype.some.call(select.options, function (option) { return option.value === detected; });
  // A legacy name some devices still report ("Europe/Kiev") is mapped by the server.
  if (!exists && detected.indexOf("/") < 0) { return; }
  params.set("tz", detected);
  var link = document.createElement("a");
  link.href = "?" + params.toString();
  link.textContent = hint.dataset.label ? hint.dataset.label.replace("%s", detected) : detected;
  hint.appendChild(link);
  hint.hidden = false;
})();
