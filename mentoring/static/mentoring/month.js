// The booking page's month: one Tab stop for its days (the chosen one), the arrow keys move
// between the days with free times (left/right: the previous/next one; up/down: a week earlier or
// later, or the nearest free day in that direction), Home/End to the first/last. Without
// JavaScript every marked day is a link of its own in the Tab order.
(function () {
  "use strict";
  var grid = document.getElementById("month-grid");
  if (!grid) { return; }
  var days = Array.prototype.slice.call(grid.querySelectorAll("a[data-date]"));
  if (!days.length) { return; }
  var current = grid.querySelector("a[aria-current]") || days[0];
  days.forEach(function (day) { day.tabIndex = day === current ? 0 : -1; });

  function dateOf(day) { return new Date(day.dataset.date + "T12:00:00Z").getTime(); }
  function move(from, target) {
    from.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  }
  function nearest(from, step) {
    // The first free day at least |step| days away in the direction of step.
    var wanted = dateOf(from) + step * 86400000;
    var found = null;
    days.forEach(function (day) {
      var when = dateOf(day);
      if (step > 0 ? when >= wanted : when <= wanted) {
        if (!found || (step > 0 ? when < dateOf(found) : when > dateOf(found))) { found = day; }
      }
    });
    return found;
  }
  grid.addEventListener("keydown", function (event) {
    var from = event.target;
    var index = days.indexOf(from);
    if (index < 0) { return; }
    var target = null;
    switch (event.key) {
      case "ArrowLeft": target = days[index - 1]; break;
      case "ArrowRight": target = days[index + 1]; break;
      case "ArrowUp": target = nearest(from, -7); break;
      case "ArrowDown": target = nearest(from, 7); break;
      case "Home": target = days[0]; break;
      case "End": target = days[days.length - 1]; break;
      default: return;
    }
    event.preventDefault();
    if (target) { move(from, target); }
  });
})();
