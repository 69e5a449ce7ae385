/* Two-click embeds: the provider's player is created only after the viewer agrees. */
(function () {
  "use strict";
  document.querySelectorAll(".two-click").forEach(function (figure) {
    var button = figure.querySelector(".two-click__consent");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = figure.dataset.embedUrl;
      frame.title = figure.dataset.title;
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.className = "two-click__frame";
      var placeholder = figure.querySelector(".two-click__placeholder");
      placeholder.replaceWith(frame);
      frame.focus();
    });
  });
})();
