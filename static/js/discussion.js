/* VALUMA Space: the discussion, made lighter in the browser.
 *
 * Everything here enhances the plain forms and links that work without JavaScript, and talks
 * to the same server routes: a reply or edit form is fetched from its own page and sent where
 * it would be sent anyway; the answer (the section page) replaces the thread. No inline script
 * or style: the Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  var discussion = document.querySelector(".discussion[data-section]");
  if (!discussion || !window.fetch || !window.DOMParser) {
    return;
  }
  var texts = JSON.parse(discussion.getAttribute("data-texts") || "{}");
  var sectionSlug = discussion.getAttribute("data-section");
  var live = document.getElementById("live-region");
  var MAX_LENGTH = 5000;
  var VISIBLE_REPLIES = 3;

  function t(key, values) {
    var text = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }

  function announce(message) {
    if (!live) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function thread() {
    return discussion.querySelector(".thread");
  }

  function commentIds(root) {
    return Array.prototype.map.call((root || document).querySelectorAll("article.comment[id]"), function (el) {
      return el.id;
    });
  }

  /* --- drafts kept in the browser ------------------------------------------------------- */

  function draftKey(form) {
    var parent = form.querySelector("[name=parent_id]");
    var target = form.getAttribute("data-draft-target") || (parent && parent.value ? "reply-" + parent.value : "new");
    return "valuma-draft:" + sectionSlug + ":" + target;
  }

  function saveDraft(form) {
    var body = form.querySelector("[name=body]");
    var quote = form.querySelector("[name=quote]");
    try {
      if (body && body.value.trim()) {
        window.localStorage.setItem(draftKey(form), JSON.stringify({ body: body.value, quote: quote ? quote.value : "" }));
      } else {
        window.localStorage.removeItem(draftKey(form));
      }
    } catch (error) {
      /* storage full or disabled: the form still works */
    }
  }

  function restoreDraft(form) {
    var body = form.querySelector("[name=body]");
    var quote = form.querySelector("[name=quote]");
    var stored = null;
    try {
      stored = JSON.parse(window.localStorage.getItem(draftKey(form)) || "null");
    } catch (error) {
      stored = null;
    }
    if (!stored || !body || body.value.trim()) {
      return;
    }
    body.value = stored.body || "";
    if (quote && !quote.value && stored.quote) {
      quote.value = stored.quote;
    }
    announce(t("draftRestored"));
  }

  function clearDraft(form) {
    try {
      window.localStorage.removeItem(draftKey(form));
    } catch (error) {
      /* nothing kept, nothing to clear */
    }
  }

  /* --- character counter and preview ---------------------------------------------------- */

  function enhanceForm(form) {
    if (form.getAttribute("data-enhanced")) {
      return;
    }
    form.setAttribute("data-enhanced", "1");
    var body = form.querySelector("[name=body]");
    if (!body) {
      return;
    }
    var counter = document.createElement("p");
    counter.className = "char-counter";
    counter.id = (body.id || "body") + "-counter-" + Math.random().toString(36).slice(2, 8);
    body.parentNode.insertBefore(counter, body.nextSibling);
    var described = (body.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    body.setAttribute("aria-describedby", described.join(" "));
    var warned = false;
    function count() {
      counter.textContent = t("characters", { n: body.value.length, max: MAX_LENGTH });
      var over = body.value.length > MAX_LENGTH;
      counter.classList.toggle("over-limit", over);
      if (over && !warned) {
        announce(t("tooLong"));
      }
      warned = over;
    }
    var timer = null;
    body.addEventListener("input", function () {
      count();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        saveDraft(form);
      }, 300);
    });
    var quote = form.querySelector("[name=quote]");
    if (quote) {
      quote.addEventListener("input", function () {
        saveDraft(form);
      });
    }
    restoreDraft(form);
    count();

    var previewUrl = discussion.getAttribute("data-preview-url");
    var submit = form.querySelector("[type=submit][name=submit]") || form.querySelector("[type=submit]");
    if (previewUrl && submit) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary preview-button";
      button.textContent = t("preview");
      var output = document.createElement("div");
      output.className = "comment-preview";
      output.setAttribute("aria-live", "polite");
      output.hidden = true;
      submit.parentNode.insertBefore(button, submit.nextSibling);
      form.appendChild(output);
      button.addEventListener("click", function () {
        var data = new FormData();
        data.append("body", body.value);
        var token = form.querySelector("[name=csrf_token]");
        data.append("csrf_token", token ? token.value : "");
        fetch(previewUrl, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.text() : Promise.reject(response.status);
          })
          .then(function (html) {
            output.hidden = false;
            output.innerHTML = "";
            var heading = document.createElement("h4");
            heading.textContent = t("previewHeading");
            output.appendChild(heading);
            var content = document.createElement("div");
            content.className = "comment-body";
            // The server rendered and sanitised this exactly as it will store it.
            content.innerHTML = html;
            output.appendChild(content);
          })
          .catch(function () {
            output.hidden = true;
          });
      });
    }
    form.addEventListener("submit", function (event) {
      sendInPlace(event, form);
    });
  }

  /* --- sending without leaving the page -------------------------------------------------- */

  function showErrors(form, doc) {
    var summary = doc.querySelector("#error-summary, .flash-error");
    var old = form.querySelector(".error-summary, .inline-problem");
    if (old) {
      old.remove();
    }
    if (summary) {
      var copy = document.importNode(summary, true);
      if (!copy.classList.contains("error-summary")) {
        copy.classList.add("inline-problem");
      }
      copy.setAttribute("tabindex", "-1");
      form.insertBefore(copy, form.firstChild);
      copy.focus();
    } else {
      announce(t("failed"));
    }
  }

  function removeWarning(form) {
    var old = form.querySelector("[data-form-warning]");
    if (old) {
      old.remove();
    }
  }

  function showWarning(form, warning) {
    // The server's own words and its seal: "Lähetä silti", or a second send, goes past it.
    removeWarning(form);
    var problem = form.querySelector(".error-summary, .inline-problem");
    if (problem) {
      problem.remove();
    }
    var copy = document.importNode(warning, true);
    var body = form.querySelector("[name=body]");
    var field = body.closest(".field");
    field.parentNode.insertBefore(copy, field.nextSibling);
    copy.focus();
  }

  function sendInPlace(event, form) {
    var body = form.querySelector("[name=body]");
    if (!body) {
      return;
    }
    event.preventDefault();
    var before = commentIds();
    var editing = form.getAttribute("data-draft-target");
    var buttons = Array.prototype.slice.call(form.querySelectorAll("[type=submit]"));
    // One send at a time: a second press would carry the same key and add nothing anyway.
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    form.setAttribute("aria-busy", "true");
    function done() {
      buttons.forEach(function (button) {
        button.disabled = false;
      });
      form.removeAttribute("aria-busy");
    }
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          return { response: response, doc: parse(html) };
        });
      })
      .then(function (result) {
        done();
        var path = new URL(result.response.url).pathname;
        if (path.indexOf("/kirjaudu") === 0) {
          // The session ended: the ordinary form post keeps the text for after signing in.
          form.submit();
          return;
        }
        // A question before saving (an @mention that names nobody): nothing was saved yet.
        var warning = result.doc.querySelector("form#kommentoi [data-form-warning]");
        if (result.response.ok && warning) {
          showWarning(form, warning);
          return;
        }
        var fresh = result.doc.querySelector(".discussion .thread");
        if (!result.response.ok || !fresh) {
          showErrors(form, result.doc);
          return;
        }
        clearDraft(form);
        removeWarning(form);
        replaceThread(result.doc);
        var target = editing ? editing.replace("edit-", "c") : commentIds().filter(function (id) {
          return before.indexOf(id) === -1;
        })[0];
        if (!form.closest(".thread")) {
          form.reset();
          restoreKey(form);
          var counter = form.querySelector(".char-counter");
          if (counter) {
            counter.textContent = t("characters", { n: 0, max: MAX_LENGTH });
          }
          var preview = form.querySelector(".comment-preview");
          if (preview) {
            preview.hidden = true;
          }
        }
        focusComment(target);
        announce(editing ? t("saved") : t("sent"));
      })
      .catch(function () {
        done();
        announce(t("failed"));
      });
  }

  function restoreKey(form) {
    // A new key for the next comment, so that it is not taken for a repeat of the last one.
    var key = form.querySelector("[name=idempotency_key]");
    if (key && window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      key.value = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    }
  }

  function replaceThread(doc) {
    var fresh = doc.querySelector(".discussion .thread");
    var current = thread();
    if (!fresh || !current) {
      window.location.reload();
      return;
    }
    current.replaceWith(document.importNode(fresh, true));
    // The sort links and the "no comments yet" line go with the thread they describe: a first
    // comment takes the line away, and a thread left empty brings it back.
    var meta = doc.querySelector(".discussion [data-thread-meta]");
    var currentMeta = discussion.querySelector("[data-thread-meta]");
    if (meta && currentMeta) {
      currentMeta.replaceWith(document.importNode(meta, true));
    }
    // The link to the rest of a long discussion goes with the thread too.
    var more = doc.querySelector(".discussion [data-thread-more]");
    var currentMore = discussion.querySelector("[data-thread-more]");
    if (more && currentMore) {
      currentMore.replaceWith(document.importNode(more, true));
    }
    var heading = doc.querySelector("#discussion-heading");
    if (heading) {
      document.getElementById("discussion-heading").innerHTML = heading.innerHTML;
    }
    var count = doc.querySelector(".discussion[data-count]");
    if (count) {
      discussion.setAttribute("data-count", count.getAttribute("data-count"));
    }
    enhanceThread();
  }

  function focusComment(id) {
    var comment = id && document.getElementById(id);
    if (!comment) {
      return;
    }
    expandTo(comment);
    comment.setAttribute("tabindex", "-1");
    comment.focus();
  }

  /* --- reply and edit in place ----------------------------------------------------------- */

  function openInPlace(link, kind) {
    var comment = link.closest("article.comment");
    var existing = comment.querySelector(".inline-form");
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var form = parse(html).querySelector("form#kommentoi");
        if (!form) {
          window.location.href = link.href;
          return;
        }
        var wrapper = document.createElement("div");
        wrapper.className = "inline-form";
        var inserted = document.importNode(form, true);
        inserted.removeAttribute("id");
        // Ids inside must stay unique on this page.
        inserted.querySelectorAll("[id]").forEach(function (el) {
          var old = el.id;
          el.id = old + "-" + comment.id;
          var label = inserted.querySelector("label[for='" + old + "']");
          if (label) {
            label.setAttribute("for", el.id);
          }
        });
        inserted.querySelectorAll("[aria-describedby]").forEach(function (el) {
          el.setAttribute("aria-describedby", el.getAttribute("aria-describedby").split(" ").map(function (ref) {
            return ref + "-" + comment.id;
          }).join(" "));
        });
        if (kind === "edit") {
          inserted.setAttribute("data-draft-target", "edit-" + comment.id.slice(1));
        }
        var cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "button button-secondary";
        cancel.textContent = t("cancel");
        cancel.addEventListener("click", function () {
          wrapper.remove();
          link.focus();
        });
        inserted.appendChild(cancel);
        wrapper.appendChild(inserted);
        comment.appendChild(wrapper);
        enhanceForm(inserted);
        inserted.querySelector("textarea").focus();
        announce(kind === "edit" ? t("editOpened") : t("replyOpened"));
      })
      .catch(function () {
        window.location.href = link.href;
      });
  }

  /* --- the rest of a long discussion, in place ------------------------------------------ */

  function showAll(link) {
    var before = commentIds();
    return fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        replaceThread(parse(html));
        if (window.history && window.history.replaceState) {
          var url = new URL(link.href, window.location.href);
          window.history.replaceState(null, "", url.pathname + url.search + window.location.hash);
        }
        return before;
      });
  }

  function onThreadClick(event) {
    var link = event.target.closest("a");
    if (!link || !discussion.contains(link)) {
      return;
    }
    if (link.hasAttribute("data-show-all")) {
      event.preventDefault();
      showAll(link)
        .then(function (before) {
          // The first thread that was not there before takes the focus, for keyboard users.
          var first = commentIds().filter(function (id) {
            return before.indexOf(id) === -1;
          })[0];
          focusComment(first);
        })
        .catch(function () {
          window.location.href = link.href;
        });
      return;
    }
    var path = new URL(link.href, window.location.href).pathname;
    if (/^\/kommentit\/\d+\/vastaa$/.test(path)) {
      event.preventDefault();
      openInPlace(link, "reply");
    } else if (/^\/kommentit\/\d+\/muokkaa$/.test(path)) {
      event.preventDefault();
      openInPlace(link, "edit");
    }
  }

  /* --- collapsible threads ----------------------------------------------------------------- */

  function unwrapLaterReplies() {
    // Without JavaScript a thread's later replies wait in a <details>; here they go back in
    // line, and the button below folds them the same way.
    discussion.querySelectorAll(".thread details[data-more-replies]").forEach(function (details) {
      var replies = Array.prototype.slice.call(details.querySelectorAll(":scope > article.comment"));
      replies.forEach(function (reply) {
        details.parentNode.insertBefore(reply, details);
      });
      details.remove();
    });
  }

  function enhanceThread() {
    unwrapLaterReplies();
    var comments = Array.prototype.slice.call(document.querySelectorAll(".thread article.comment"));
    var groups = [];
    comments.forEach(function (comment) {
      if (comment.getAttribute("data-depth") === "0" || !groups.length) {
        groups.push({ root: comment, replies: [] });
      } else {
        groups[groups.length - 1].replies.push(comment);
      }
    });
    groups.forEach(function (group) {
      if (group.replies.length <= VISIBLE_REPLIES) {
        return;
      }
      var hidden = group.replies.slice(VISIBLE_REPLIES);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-link replies-toggle";
      var ids = hidden.map(function (comment) {
        return comment.id;
      });
      var region = "replies-of-" + group.root.id;
      hidden.forEach(function (comment) {
        comment.hidden = true;
        comment.setAttribute("data-collapsed-by", region);
      });
      button.setAttribute("aria-controls", ids.join(" "));
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("data-region", region);
      button.textContent = t("showReplies", { n: hidden.length });
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") === "true";
        setGroup(button, hidden, !open);
        if (!open) {
          hidden[0].setAttribute("tabindex", "-1");
          hidden[0].focus();
        }
      });
      var holder = document.createElement("p");
      holder.className = "replies-toggle-holder";
      holder.appendChild(button);
      group.replies[VISIBLE_REPLIES - 1].after(holder);
    });
    markPassages();
    expandTo(window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null);
  }

  function setGroup(button, comments, open) {
    comments.forEach(function (comment) {
      comment.hidden = !open;
    });
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? t("hideReplies") : t("showReplies", { n: comments.length });
  }

  function expandTo(element) {
    if (!element || !element.hidden || !element.getAttribute("data-collapsed-by")) {
      return;
    }
    var region = element.getAttribute("data-collapsed-by");
    var button = document.querySelector("button[data-region='" + region + "']");
    var members = Array.prototype.slice.call(document.querySelectorAll("[data-collapsed-by='" + region + "']"));
    if (button) {
      setGroup(button, members, true);
    }
  }

  window.addEventListener("hashchange", function () {
    var target = document.getElementById(window.location.hash.slice(1));
    expandTo(target);
    if (target) {
      target.scrollIntoView();
    }
  });

  /* --- quoted passages: marking them, and commenting on a selection ------------------------ */

  var sectionText = document.querySelector("[data-section-text]");

  function normalise(text) {
    return text.replace(/\s+/g, " ").trim().toLowerCase();
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      nodes.push(walker.currentNode);
    }
    return nodes;
  }

  function markPassage(quote, commentId) {
    var nodes = textNodes(sectionText);
    var wanted = normalise(quote);
    for (var i = 0; i < nodes.length; i += 1) {
      var node = nodes[i];
      var haystack = node.nodeValue.replace(/\s+/g, " ").toLowerCase();
      var index = haystack.indexOf(wanted);
      if (index === -1 || node.parentNode.closest("a.passage")) {
        continue;
      }
      // Whitespace was collapsed for the search; map the position back to the original text.
      var original = node.nodeValue;
      var start = 0;
      var seen = 0;
      while (seen < index && start < original.length) {
        if (/\s/.test(original[start])) {
          while (start + 1 < original.length && /\s/.test(original[start + 1])) {
            start += 1;
          }
        }
        start += 1;
        seen += 1;
      }
      var range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, Math.min(original.length, start + quote.length));
      var mark = document.createElement("a");
      mark.className = "passage";
      mark.href = "#c" + commentId;
      mark.title = t("markedPassage");
      try {
        range.surroundContents(mark);
      } catch (error) {
        return false;
      }
      var inner = document.createElement("mark");
      while (mark.firstChild) {
        inner.appendChild(mark.firstChild);
      }
      mark.appendChild(inner);
      return true;
    }
    return false;
  }

  function markPassages() {
    if (!sectionText) {
      return;
    }
    sectionText.querySelectorAll("a.passage").forEach(function (mark) {
      mark.replaceWith.apply(mark, Array.prototype.slice.call(mark.firstChild.childNodes));
    });
    sectionText.normalize();
    document.querySelectorAll(".thread blockquote.comment-quote[data-comment]:not(.quote-changed)").forEach(function (quote) {
      var text = quote.querySelector("p");
      if (text && text.textContent.trim()) {
        markPassage(text.textContent.trim(), quote.getAttribute("data-comment"));
      }
    });
  }

  var mainForm = document.getElementById("kommentoi");
  var selectionButton = null;

  function selectedPassage() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      return "";
    }
    var range = selection.getRangeAt(0);
    if (!sectionText.contains(range.commonAncestorContainer)) {
      return "";
    }
    return selection.toString().replace(/\s+/g, " ").trim().slice(0, 1000);
  }

  function offerSelection() {
    var passage = selectedPassage();
    if (!passage) {
      if (selectionButton && document.activeElement !== selectionButton) {
        selectionButton.hidden = true;
      }
      return;
    }
    if (!selectionButton) {
      selectionButton = document.createElement("button");
      selectionButton.type = "button";
      selectionButton.className = "button selection-button";
      selectionButton.textContent = t("commentOnSelection");
      // After the text in reading order, so that the keyboard reaches it next.
      sectionText.after(selectionButton);
      selectionButton.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      selectionButton.addEventListener("click", function () {
        var text = selectionButton.getAttribute("data-passage");
        var quote = mainForm.querySelector("[name=quote]");
        quote.value = text;
        saveDraft(mainForm);
        selectionButton.hidden = true;
        mainForm.scrollIntoView();
        mainForm.querySelector("[name=body]").focus();
        announce(t("quoteAdded"));
      });
    }
    selectionButton.setAttribute("data-passage", passage);
    selectionButton.hidden = false;
  }

  if (sectionText && mainForm) {
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(offerSelection.timer);
      offerSelection.timer = window.setTimeout(offerSelection, 150);
    });
  }

  /* --- new comments since the page was loaded ---------------------------------------------- */

  var statusUrl = discussion.getAttribute("data-status-url");
  var etag = null;
  var notice = null;

  function poll() {
    if (document.hidden) {
      return;
    }
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(statusUrl, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) {
          return null;
        }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) {
          return;
        }
        var shown = parseInt(discussion.getAttribute("data-count"), 10) || 0;
        if (state.count > shown) {
          showNotice(state.count - shown);
        }
      })
      .catch(function () {
        /* offline for a moment: the next round tries again */
      });
  }

  function showNotice(count) {
    if (!notice) {
      notice = document.createElement("button");
      notice.type = "button";
      notice.className = "button new-comments";
      notice.addEventListener("click", function () {
        fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
          .then(function (response) {
            return response.text();
          })
          .then(function (html) {
            var before = commentIds();
            replaceThread(parse(html));
            notice.hidden = true;
            var fresh = commentIds().filter(function (id) {
              return before.indexOf(id) === -1;
            });
            var all = discussion.querySelector("[data-show-all]");
            if (!fresh.length && all) {
              // A new thread lands beyond the first ones the page opens with: show them all.
              return showAll(all).then(function () {
                focusComment(commentIds().filter(function (id) {
                  return before.indexOf(id) === -1;
                })[0]);
              });
            }
            focusComment(fresh[0]);
          });
      });
      document.getElementById("discussion-heading").after(notice);
    }
    notice.textContent = t("newComments", { n: count });
    notice.hidden = false;
    announce(notice.textContent);
  }

  /* --- start ------------------------------------------------------------------------------ */

  discussion.addEventListener("click", onThreadClick);
  if (mainForm) {
    enhanceForm(mainForm);
  }
  enhanceThread();
  var interval = parseInt(discussion.getAttribute("data-poll-ms"), 10) || 20000;
  // The first answer sets the baseline ETag; later ones cost a 304 while nothing changes.
  poll();
  window.setInterval(poll, interval);
  discussion.setAttribute("data-ready", "");
})();
