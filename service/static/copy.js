// Copy a full hash: a small button after each short hash (`code.hash[data-hash]`) writes the
// full hash to the clipboard and says so for a moment. The button's words come from the page
// (`data-copy-label`, `data-copied-label`, in the reader's language): none are written here.
// Without this script, or without a clipboard, the full hash stays in the element's title.
(function () {
  "use strict";

  /** How long the button says "copied", in milliseconds. */
  var COPIED_FOR_MS = 1500;

  function addButton(code) {
    var hash = code.getAttribute("data-hash");
    var label = code.getAttribute("data-copy-label");
    var copied = code.getAttribute("data-copied-label");
    if (!hash || !label || code.nextElementSibling && code.nextElementSibling.classList.contains("copy-hash")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-hash";
    button.textContent = label;
    button.setAttribute("aria-label", label + " " + hash);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(hash).then(function () {
        button.textContent = copied || label;
        window.setTimeout(function () { button.textContent = label; }, COPIED_FOR_MS);
      });
    });
    code.insertAdjacentElement("afterend", button);
  }

  function addButtons(root) {
    if (!navigator.clipboard || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("code.hash[data-hash]").forEach(addButton);
  }

  document.addEventListener("DOMContentLoaded", function () {
    addButtons(document);
    // Rows a live update adds to the page carry hashes too.
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            if (node.matches("code.hash[data-hash]")) {
              addButton(node);
            } else {
              addButtons(node);
            }
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
