// claimscope web UI: a little progressive enhancement; every page works without it.
// Reads text only through textContent / dataset, never innerHTML, so article text stays inert.
(function () {
  "use strict";

  // Article view: hovering a highlighted span lights its claim cards, and the other way round;
  // clicking a span scrolls to its (first) claim.
  function lightClaims(ids, on) {
    ids.forEach(function (id) {
      var card = document.getElementById(id);
      if (card) card.classList.toggle("lit", on);
      document.querySelectorAll('[data-claims~="' + id + '"]').forEach(function (el) {
        el.classList.toggle("lit", on);
      });
    });
  }
  document.querySelectorAll("[data-claims]").forEach(function (el) {
    var ids = el.dataset.claims.split(" ").filter(Boolean);
    el.addEventListener("mouseenter", function () { lightClaims(ids, true); });
    el.addEventListener("mouseleave", function () { lightClaims(ids, false); });
    el.addEventListener("click", function () {
      var card = document.getElementById(ids[0]);
      if (card) card.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  });
  document.querySelectorAll(".claim[id]").forEach(function (card) {
    card.addEventListener("mouseenter", function () { lightClaims([card.id], true); });
    card.addEventListener("mouseleave", function () { lightClaims([card.id], false); });
  });

  // Map and chart: a floating tooltip from data-label / data-detail (the SVG <title> stays as
  // the fallback without JavaScript).
  var tip = null;
  function showTip(evt, el) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    tip.replaceChildren();
    var head = document.createElement("b");
    head.textContent = el.dataset.label || "";
    tip.appendChild(head);
    if (el.dataset.detail) tip.appendChild(document.createTextNode(el.dataset.detail));
    tip.style.display = "block";
    moveTip(evt);
  }
  function moveTip(evt) {
    if (!tip) return;
    var x = Math.min(evt.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    tip.style.left = x + "px";
    tip.style.top = (evt.clientY + 14) + "px";
  }
  function hideTip() { if (tip) tip.style.display = "none"; }
  document.querySelectorAll("[data-label]").forEach(function (el) {
    el.addEventListener("mouseenter", function (evt) { showTip(evt, el); });
    el.addEventListener("mousemove", moveTip);
    el.addEventListener("mouseleave", hideTip);
  });
})();
