/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // <form data-confirm="Really?"> or <button data-confirm="Really?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Don't post a form twice on a slow connection: disable its submit buttons while it goes. They come
  // back after a few seconds anyway (a download or a target="_blank" form leaves the page in place).
  function enableAgain(root) {
    root.querySelectorAll("[data-auto-disabled]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.autoDisabled;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]:not([disabled]), input[type=submit]:not([disabled])").forEach(
        function (button) {
          button.disabled = true;
          button.dataset.autoDisabled = "1";
        }
      );
      window.setTimeout(function () { enableAgain(form); }, 8000);
    }, 0);
  });
  // Coming back with the browser's Back button shows the page as it was left: enable them again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) enableAgain(document);
  });
})();
