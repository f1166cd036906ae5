// Live updates for the CTA status page: the server pushes the rendered
// status over Server-Sent Events; trains glide to their new positions.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var conn = document.getElementById("conn");
  if (!live || !window.EventSource) {
    return;
  }

  function setConn(state, text) {
    conn.setAttribute("data-state", state);
    conn.textContent = text;
  }

  function trainKey(g) {
    var svg = g.ownerSVGElement;
    return (svg ? svg.getAttribute("data-line") : "") + "/" + g.getAttribute("data-train");
  }

  function positions() {
    var out = {};
    live.querySelectorAll("g.train[data-train]").forEach(function (g) {
      out[trainKey(g)] = { x: g.getAttribute("data-x"), y: g.getAttribute("data-y") };
    });
    return out;
  }

  function apply(html) {
    var before = positions();
    live.innerHTML = html;
    var moved = [];
    live.querySelectorAll("g.train[data-train]").forEach(function (g) {
      var old = before[trainKey(g)];
      var x = g.getAttribute("data-x"), y = g.getAttribute("data-y");
      if (old && (old.x !== x || old.y !== y)) {
        g.style.transition = "none";
        g.style.transform = "translate(" + old.x + "px, " + old.y + "px)";
        moved.push([g, x, y]);
      }
    });
    if (moved.length) {
      live.getBoundingClientRect(); // commit the old positions
      requestAnimationFrame(function () {
        moved.forEach(function (m) {
          m[0].style.transition = "";
          m[0].style.transform = "translate(" + m[1] + "px, " + m[2] + "px)";
        });
      });
    }
  }

  setConn("reconnecting", "Connecting…");
  var es = new EventSource("/events");
  es.addEventListener("open", function () { setConn("live", "Live"); });
  es.addEventListener("error", function () { setConn("reconnecting", "Reconnecting…"); });
  es.addEventListener("update", function (e) {
    apply(e.data);
    setConn("live", "Live");
  });
})();
