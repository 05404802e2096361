// Live: shows the acts recorded while a page of a negotiation is open (service/src/pages/live.rs).
//
// On a page with `nav.negotiation[data-negotiation]`, follows GET /negotiations/{n}/live (Server-
// Sent Events) from the sequence the page was rendered at (`data-last-sequence`). Each act is
// shown in the page's `aria-live` region, and a form acting on a clause that just changed
// (`form.act[data-clause]`) is flagged. Every word shown comes from the server, in the reader's
// language: the acts' own text, and the labels the region carries as data- attributes. Server
// text is only ever set as textContent, never as markup. Without this script the page works the
// same, without live acts.
(function () {
  "use strict";

  // After the service refused the stream (503, at its limit) or the connection failed for good,
  // try again this long after, at most this many times: a page left open does not knock forever.
  var RETRY_AFTER_MS = 30000;
  var MAX_RETRIES = 20;
  // The acts kept in the region; older ones are removed, the timeline has them all.
  var MAX_SHOWN = 20;

  var nav = document.querySelector("nav.negotiation[data-negotiation]");
  var region = document.querySelector("section.live-acts");
  if (!nav || !region || typeof EventSource === "undefined") {
    return;
  }
  var negotiation = nav.getAttribute("data-negotiation");
  var after = nav.getAttribute("data-last-sequence") || "0";
  var list = null;
  var retries = 0;

  function label(name) {
    return region.getAttribute("data-" + name) || "";
  }

  function reloadLink() {
    var link = document.createElement("a");
    link.href = window.location.href;
    link.className = "live-reload";
    link.textContent = label("reload");
    return link;
  }

  function ensureList() {
    if (list) {
      return list;
    }
    list = document.createElement("ul");
    region.appendChild(list);
    var reload = document.createElement("p");
    reload.appendChild(reloadLink());
    region.appendChild(reload);
    return list;
  }

  function flagForms(clauseId) {
    var forms = document.querySelectorAll("form.act[data-clause]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      // Compared as strings, never put into a selector.
      if (form.getAttribute("data-clause") !== clauseId || form.classList.contains("changed-live")) {
        continue;
      }
      form.classList.add("changed-live");
      var notice = document.createElement("p");
      notice.className = "live-notice";
      notice.textContent = label("clause-changed") + " ";
      notice.appendChild(reloadLink());
      form.insertBefore(notice, form.firstChild);
    }
  }

  function show(act) {
    var item = document.createElement("li");
    var text = document.createElement("span");
    text.textContent = act.text;
    item.appendChild(text);
    var when = document.createElement("time");
    when.setAttribute("datetime", act.recorded_at);
    when.title = act.recorded_at;
    when.textContent = label("just-now");
    item.appendChild(when);
    if (act.summary) {
      var summary = document.createElement("span");
      summary.className = "summary";
      summary.textContent = act.summary;
      item.appendChild(summary);
    }
    var shown = ensureList();
    shown.insertBefore(item, shown.firstChild);
    while (shown.children.length > MAX_SHOWN) {
      shown.removeChild(shown.lastChild);
    }
    if (act.clause_id) {
      flagForms(act.clause_id);
    }
  }

  // The stream open now, if any. Over HTTP/1.1 a browser keeps about six connections to a
  // site: a hidden tab gives its stream up, so that open tabs never hold every connection, and
  // follows again (from the last act it showed) when it is shown.
  var source = null;
  var retryTimer = null;

  function stop() {
    if (source) {
      source.close();
      source = null;
    }
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
  }

  function follow() {
    stop();
    var current = new EventSource(
      "/negotiations/" + encodeURIComponent(negotiation) + "/live?after=" + encodeURIComponent(after)
    );
    source = current;
    current.addEventListener("act", function (message) {
      var act;
      try {
        act = JSON.parse(message.data);
      } catch (_) {
        return;
      }
      // For a stream this script opens again itself; the browser's own reconnections send
      // Last-Event-ID.
      after = String(act.sequence);
      retries = 0;
      show(act);
    });
    current.addEventListener("error", function () {
      // The browser reconnects by itself unless the answer was not a stream (a refusal, a
      // session that ended: 204): then the connection is closed.
      if (current === source && current.readyState === EventSource.CLOSED && retries < MAX_RETRIES) {
        retries += 1;
        retryTimer = window.setTimeout(follow, RETRY_AFTER_MS);
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      stop();
    } else if (!source) {
      follow();
    }
  });
  window.addEventListener("pagehide", stop);
  // A page restored from the browser's back-forward cache follows again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !source) {
      follow();
    }
  });

  if (document.visibilityState !== "hidden") {
    follow();
  }
})();
