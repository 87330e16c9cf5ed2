/* @mentions: while a participant types "@" and the start of a name in a comment, offer the
   matching participants' names as each chose to show them. Without this script the text typed
   stays as it is, and the server recognises a name written out in full just the same. */
(function () {
  "use strict";

  var MAX_TYPED = 40;
  var current = null;
  var timer = null;
  var lists = 0;

  function field(target) {
    return target && target.matches && target.matches("textarea[data-mention-url]") ? target : null;
  }

  function texts(textarea) {
    try {
      return JSON.parse(textarea.getAttribute("data-mention-texts") || "{}");
    } catch (error) {
      return {};
    }
  }

  function announce(message) {
    var region = document.getElementById("live-region");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
  }

  /* The "@name" being typed just before the caret, if any. */
  function typedMention(textarea) {
    var caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) {
      return null;
    }
    var before = textarea.value.slice(0, caret);
    var at = before.lastIndexOf("@");
    if (at < 0 || caret - at - 1 > MAX_TYPED) {
      return null;
    }
    if (at > 0 && /[\w@]/.test(before.charAt(at - 1))) {
      return null;
    }
    var typed = before.slice(at + 1);
    if (!typed || /^\s/.test(typed) || /[\n\r]/.test(typed)) {
      return null;
    }
    return { start: at, typed: typed };
  }

  function close() {
    if (!current) {
      return;
    }
    current.list.remove();
    current.textarea.removeAttribute("aria-activedescendant");
    current.textarea.removeAttribute("aria-controls");
    current = null;
  }

  function highlight(index, quietly) {
    var options = current.list.querySelectorAll("[role=option]");
    current.active = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, position) {
      option.setAttribute("aria-selected", position === current.active ? "true" : "false");
    });
    current.textarea.setAttribute("aria-activedescendant", options[current.active].id);
    if (!quietly) {
      // Screen readers follow aria-activedescendant on a text box unevenly: say the name, too.
      announce(current.names[current.active]);
    }
  }

  function choose(index) {
    var textarea = current.textarea;
    var name = current.names[index];
    var caret = textarea.selectionStart;
    var inserted = "@" + name + " ";
    textarea.value = textarea.value.slice(0, current.start) + inserted + textarea.value.slice(caret);
    var position = current.start + inserted.length;
    close();
    textarea.focus();
    textarea.setSelectionRange(position, position);
    // Let the discussion script save the draft and count characters, without reopening the list.
    textarea.setAttribute("data-mention-choosing", "1");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.removeAttribute("data-mention-choosing");
    announce((texts(textarea).chosen || "").replace("{name}", name));
  }

  function open(textarea, start, names) {
    close();
    lists += 1;
    var list = document.createElement("ul");
    list.id = "mention-list-" + lists;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", texts(textarea).label || "");
    names.forEach(function (name, index) {
      var option = document.createElement("li");
      option.id = list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = name;
      // mousedown, not click: the textarea keeps its focus and caret.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      list.appendChild(option);
    });
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("aria-controls", list.id);
    // The first name stands highlighted: Enter takes it (or the one the arrow keys moved to),
    // so that Enter never leaves half a name behind; Escape closes the list, and Tab moves on.
    current = { textarea: textarea, list: list, start: start, names: names, active: 0 };
    highlight(0, true);
    announce((texts(textarea).found || "").replace("{num}", String(names.length)));
  }

  function suggest(textarea) {
    var mention = typedMention(textarea);
    window.clearTimeout(timer);
    if (!mention) {
      close();
      return;
    }
    timer = window.setTimeout(function () {
      var url = textarea.getAttribute("data-mention-url") + "?q=" + encodeURIComponent(mention.typed);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (data) {
          var still = typedMention(textarea);
          if (!still || still.typed !== mention.typed || document.activeElement !== textarea) {
            return;
          }
          if (data.names && data.names.length) {
            open(textarea, mention.start, data.names);
          } else {
            close();
          }
        })
        .catch(close);
    }, 150);
  }

  document.addEventListener("focusin", function (event) {
    var textarea = field(event.target);
    if (textarea) {
      textarea.setAttribute("aria-autocomplete", "list");
      textarea.setAttribute("aria-haspopup", "listbox");
    }
  });

  document.addEventListener("input", function (event) {
    var textarea = field(event.target);
    if (textarea && !textarea.hasAttribute("data-mention-choosing")) {
      suggest(textarea);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!current || event.target !== current.textarea) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(current.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      choose(current.active >= 0 ? current.active : 0);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" || event.key === "Tab") {
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (current && event.target === current.textarea) {
      close();
    }
  });
})();
