/* Gives every rich-text editor (Draftail) in the Wagtail admin the accessible name of its field.
 *
 * Wagtail labels the hidden <input> that Draftail replaces, so screen readers meet an editing area
 * without a name (axe: aria-input-field-name; wagtail/wagtail#14205, open). Until Wagtail fixes it,
 * this links each editing area to its field's label with aria-labelledby, also for editors added
 * later (StreamField blocks, inline panels). */
(function () {
  "use strict";

  var counter = 0;

  function ensureId(element, base) {
    if (!element.id) {
      counter += 1;
      element.id = (base || "tandem-rte") + "-label-" + counter;
    }
    return element.id;
  }

  // The field's own label; in a StructBlock the label of its field; in a StreamField the heading of
  // the block's panel.
  function nameSource(box) {
    var field = box.closest("[data-field-input], .w-field__input");
    var input = field && field.querySelector("input[type=hidden]");
    if (input && input.id) {
      var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      if (label) return { element: label, base: input.id };
    }
    var wrapper = box.closest("[data-field-wrapper], .w-field__wrapper");
    var own = wrapper && wrapper.querySelector(".w-field__label, label");
    if (own && !own.contains(box)) return { element: own, base: input && input.id };
    var section = box.closest("section[aria-labelledby]");
    if (section) return { element: document.getElementById(section.getAttribute("aria-labelledby")) };
    return null;
  }

  function nameEditors(root) {
    var boxes = root.querySelectorAll(".Draftail-Editor [role=textbox]:not([aria-labelledby]):not([aria-label])");
    boxes.forEach(function (box) {
      var source = nameSource(box);
      if (source && source.element) {
        box.setAttribute("aria-labelledby", ensureId(source.element, source.base));
      }
    });
  }

  function start() {
    nameEditors(document);
    new MutationObserver(function () { nameEditors(document); })
      .observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
