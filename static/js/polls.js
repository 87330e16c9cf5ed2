/* VALUMA Space: answering the questions in the materials without a reload.
 *
 * The question forms work without JavaScript (they post and the page comes back). Here a send
 * goes to the same address asking for JSON; the server answers with the question's block as it
 * now stands (the answer saved, or the form as sent with what is wrong), which replaces the old
 * block. A visitor's send, which needs a sign-in, is left to the browser.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var live = document.getElementById("live-region");

  function announce(message) {
    if (!live || !message) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
  }

  function replaceBlock(block, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.body.firstElementChild;
    if (!fresh) {
      return null;
    }
    block.replaceWith(fresh);
    return fresh;
  }

  function send(form, submitter) {
    var block = form.closest("[data-question]");
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    block.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          return Promise.reject(response.status);
        }
        return response.json();
      })
      .then(function (reply) {
        var fresh = replaceBlock(block, reply.html);
        announce(reply.message);
        if (fresh) {
          var focus = fresh.querySelector(".error-message, .flash") || fresh.querySelector("legend");
          if (focus) {
            focus.setAttribute("tabindex", "-1");
            focus.focus();
          }
        }
      })
      .catch(function () {
        // Anything unexpected: let the browser send the form the plain way.
        form.submit();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-question-form]")) {
      return;
    }
    if (form.hasAttribute("data-sign-in")) {
      return;
    }
    event.preventDefault();
    send(form, event.submitter);
  });
})();
