/* graphkit viewer: draws a graph description with vis-network.
 * Every text from the data goes on screen through textContent or the canvas, never as HTML.
 * window.graphkitGraphs[rootId] exposes the network and helpers (used by the tests). */
(function () {
  "use strict";
  if (window.graphkitDraw) { return; }
  var graphs = window.graphkitGraphs = window.graphkitGraphs || {};
  var FADED = "rgba(200,204,209,0.35)";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function swatch(entry) {
    var s = el("span", "gk-swatch gk-" + entry.shape + (entry.dashes ? " gk-dashed" : ""));
    s.style.backgroundColor = entry.color;
    s.style.color = entry.color;
    return s;
  }

  function propTable(rows) {
    var table = el("table");
    rows.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      table.appendChild(tr);
    });
    return table;
  }

  function fmt(x) {
    return Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
  }

  window.graphkitDraw = function (rootId) {
    var t0 = performance.now();
    var root = document.getElementById(rootId);
    var data = JSON.parse(document.getElementById(rootId + "-data").textContent);
    var api = graphs[rootId] = { data: data, ready: false, firstDrawMs: null, stabilizedMs: null,
                                 timings: { start: t0, parsed: performance.now() } };
    if (typeof vis === "undefined" || !vis.Network) {
      root.appendChild(el("div", "gk-error", "vis-network is missing: include graphkit's vis_network_script() once on the page."));
      return api;
    }

    /* ---- layout of the page ---- */
    var head = el("div", "gk-head");
    head.appendChild(el("h1", "gk-title", data.title));
    head.appendChild(el("p", "gk-caption", data.caption));
    var body = el("div", "gk-body");
    var side = el("div", "gk-side");
    var canvas = el("div", "gk-canvas");
    var tip = el("div", "gk-tip");
    body.appendChild(side);
    body.appendChild(canvas);
    root.appendChild(head);
    root.appendChild(body);
    side.id = rootId + "-panel";
    /* The panel folds into one button (always in present mode, where the graph fills the page). */
    var toggle = el("button", "gk-button gk-toggle", "\u2630 Panel");
    toggle.type = "button";
    toggle.title = "Show or hide the search, legend and details panel (P); F fits, / searches";
    toggle.setAttribute("aria-controls", side.id);
    if (data.present) { root.classList.add("gk-present"); }
    function setFolded(folded) {
      root.classList.toggle("gk-folded", folded);
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
    }
    setFolded(!!data.present);
    toggle.addEventListener("click", function () { setFolded(!root.classList.contains("gk-folded")); });
    if (!root.hasAttribute("tabindex")) { root.tabIndex = -1; }

    /* ---- data ---- */
    var highlighted = null;
    if (data.nodesPacked) {  /* an aggregated page packs its tables (see graphkit.export.html) */
      var P = data.nodesPacked;
      data.nodes = P.rows.map(function (r) {
        return { id: r[0], name: r[1], label: P.label[r[2]], kind: P.kind[r[3]], cluster: P.cluster[r[4]],
                 color: P.color[r[5]], shape: P.shape[r[6]], size: r[7], x: r[8], y: r[9], score: r[10],
                 showLabel: !!r[11], props: [["kind", P.kind[r[3]]]].concat(r[12]) };
      });
      var E = data.edgesPacked, stride = E.stride, flat = E.rows;
      data.edges = new Array(flat.length / stride);
      for (var q = 0, j = 0; q < flat.length; q += stride, j++) {
        data.edges[j] = { from: P.rows[flat[q]][0], to: P.rows[flat[q + 1]][0], type: E.types[flat[q + 2]],
                          width: flat[q + 3] / 10, props: [] };
      }
      delete data.nodesPacked; delete data.edgesPacked;
      api.timings.unpacked = performance.now();
    }
    var byId = Object.create(null);
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    /* Aggregated view: each cluster is first one node (a "unit"); a click expands it into
       its members in place, a double click on a member collapses it again. */
    var agg = data.aggregates || null;
    var units = Object.create(null), unitOf = Object.create(null), expanded = new Set();
    if (agg) {
      agg.units.forEach(function (u) {
        u.aggregate = true; u.kind = "cluster"; u.shape = "dot"; u.label = "Cluster";
        u.text = u.name + " (" + u.count.toLocaleString("en") + ")";
        units[u.id] = u;
        u.members.forEach(function (m) { unitOf[m] = u.id; });
      });
    }
    var large = data.large || !!agg;
    var show = { type: new Set(data.types.map(function (t) { return t.value; })) };
    data.filters.forEach(function (f) {
      show[f.field] = new Set(f.entries.map(function (e) { return e.value; }));
    });
    var styles = Object.create(null);
    data.types.forEach(function (t) { styles[t.value] = t; });

    /* Nodes get their colour and shape from a group (one per colour and shape): vis-network
       parses a group once instead of per node. Above the size threshold ("large"), edges
       are not vis-network objects (25,000 of them take seconds to build) but one canvas
       path per relationship type, drawn under the nodes on every frame. */
    var groups = Object.create(null), groupOf = Object.create(null), shapes = Object.create(null);
    data.nodes.forEach(function (n) {
      var key = n.color + "|" + n.shape;
      if (!(key in groupOf)) {
        groupOf[key] = "g" + Object.keys(groupOf).length;
        groups[groupOf[key]] = { shape: n.shape, color: { background: n.color, border: "rgba(0,0,0,0.45)",
          highlight: { background: n.color, border: "#111111" }, hover: { background: n.color, border: "#111111" } } };
      }
      n.group = groupOf[key];
      shapes[n.shape] = true;
    });
    if (agg) {
      agg.units.forEach(function (u) {
        var key = u.color + "|unit";
        if (!(key in groupOf)) {
          groupOf[key] = "g" + Object.keys(groupOf).length;
          groups[groupOf[key]] = { shape: "dot", color: { background: u.color, border: "rgba(0,0,0,0.6)",
            highlight: { background: u.color, border: "#111111" }, hover: { background: u.color, border: "#111111" } },
            opacity: 0.85, borderWidth: 2 };
        }
        u.group = groupOf[key];
      });
      shapes.dot = true;
    }
    Object.keys(shapes).forEach(function (shape) {
      groups["faded-" + shape] = { shape: shape, color: { background: FADED, border: FADED,
        highlight: { background: FADED, border: "#111111" }, hover: { background: FADED, border: "#111111" } } };
    });
    function edgeColor(e) {
      var c = styles[e.type] ? styles[e.type].color : "#888888";
      return { color: c, highlight: c, hover: c, opacity: 0.75 };
    }
    function visNode(n) {
      var v = { id: n.id, x: n.x, y: n.y, size: n.size, group: n.group, kind: n.kind, cluster: n.cluster };
      if (n.showLabel) {
        v.label = n.name;
      }
      return v;
    }
    function isDirected(type) { return type !== "COOPERATES_WITH"; }
    function visUnit(u) {
      return { id: u.id, x: u.x, y: u.y, size: u.size, group: u.group, kind: "cluster", cluster: u.cluster,
               aggregate: true, label: u.text };
    }
    var first = agg ? agg.units.map(visUnit).concat(agg.singles.map(function (id) { return visNode(byId[id]); }))
                    : data.nodes.map(visNode);
    var nodes = new vis.DataSet(first);
    function present(id) { return nodes.get(id) !== null; }
    function updatePresent(list) {  /* DataSet.update would add a node that is not there */
      nodes.update(list.filter(function (x) { return present(x.id); }));
    }
    var edges = new vis.DataSet(large ? [] : data.edges.map(function (e, i) {
      var st = styles[e.type] || {};
      return { id: i, from: e.from, to: e.to, type: e.type, width: e.width, color: edgeColor(e),
               dashes: !!st.dashes, arrows: { to: { enabled: isDirected(e.type), scaleFactor: 0.45 } } };
    }));
    api.timings.datasets = performance.now();
    var nodeView = new vis.DataView(nodes, { filter: function (n) {
      if (n.aggregate) { return !show.cluster || !n.cluster || show.cluster.has(n.cluster); }
      return show.kind.has(n.kind) && (!show.cluster || show.cluster.has(n.cluster));
    } });
    var edgeView = new vis.DataView(edges, { filter: function (e) { return show.type.has(e.type); } });

    var options = {
      autoResize: true,
      nodes: { borderWidth: 1, font: { size: large ? 16 : 14, face: "system-ui, sans-serif", color: "#1d232a",
               strokeWidth: 3, strokeColor: "#ffffff" } },
      edges: { smooth: large ? false : { type: "continuous", roundness: 0.2 }, selectionWidth: 1.5,
               hoverWidth: 0.5 },
      layout: { improvedLayout: false, randomSeed: 1 },
      groups: groups,
      interaction: { hover: true, tooltipDelay: 150,
                     multiselect: false, keyboard: false },
      physics: data.physics ? {
        enabled: true, solver: "barnesHut",
        barnesHut: { gravitationalConstant: -6000, springLength: 150, springConstant: 0.03,
                     damping: 0.3, avoidOverlap: 0.9 },
        stabilization: { enabled: true, iterations: 250, updateInterval: 50, fit: true }
      } : { enabled: false }
    };
    var network = new vis.Network(canvas, { nodes: nodeView, edges: edgeView }, options);
    api.timings.network = performance.now();
    canvas.appendChild(tip);  /* after vis-network, which empties its container */
    canvas.appendChild(toggle);
    api.network = network; api.nodes = nodes; api.edges = edges;
    api.nodeView = nodeView; api.edgeView = edgeView;

    var edgesDrawn = 0;
    if (large) {
      var byType = Object.create(null);
      var rebuildEdges = function () {
        /* only relationships whose two ends are drawn (members of collapsed clusters are not) */
        byType = Object.create(null);
        data.edges.forEach(function (e) {
          if (agg && !(present(e.from) && present(e.to))) { return; }
          (byType[e.type] = byType[e.type] || []).push(e);
        });
      };
      rebuildEdges();
      api.rebuildEdges = rebuildEdges;
      var bodyNodes = network.body.nodes;
      var strokeType = function (ctx, t, list, focus, scale) {
        var count = 0;
        ctx.beginPath();
        for (var i = 0; i < list.length; i++) {
          var e = list[i];
          if (focus !== null && e.from !== focus && e.to !== focus) { continue; }
          var a = bodyNodes[e.from], b = bodyNodes[e.to];
          if (!a || !b) { continue; }
          ctx.moveTo(a.x, a.y);
          ctx.lineTo(b.x, b.y);
          count++;
        }
        ctx.setLineDash(t.dashes ? [8 / Math.max(scale, 0.2), 6 / Math.max(scale, 0.2)] : []);
        ctx.stroke();
        return count;
      };
      network.on("beforeDrawing", function (ctx) {
        var scale = network.getScale();
        var count = 0;
        ctx.save();
        ctx.lineCap = "round";
        if (agg) {
          /* ties between clusters (and unclustered nodes), wider for more ties */
          ctx.strokeStyle = "#5b6570";
          agg.edges.forEach(function (e) {
            var a = bodyNodes[e[0]], b = bodyNodes[e[1]];
            if (!a || !b) { return; }
            ctx.globalAlpha = highlighted === null ? 0.3 : 0.12;
            ctx.lineWidth = Math.max(1, 0.8 / scale) * (1 + Math.log(1 + e[2]));
            ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
            count++;
          });
          /* a ring where an expanded cluster was */
          expanded.forEach(function (uid) {
            var u = units[uid];
            ctx.globalAlpha = 0.5; ctx.strokeStyle = u.color; ctx.lineWidth = Math.max(1.5, 2 / scale);
            ctx.beginPath(); ctx.arc(u.x, u.y, u.size + 20, 0, 2 * Math.PI); ctx.stroke();
          });
        }
        data.types.forEach(function (t) {
          if (!show.type.has(t.value) || !byType[t.value]) { return; }
          ctx.strokeStyle = highlighted === null ? t.color : FADED;
          ctx.globalAlpha = highlighted === null ? 0.35 : 0.5;
          ctx.lineWidth = Math.max(1, 0.6 / scale);
          count += strokeType(ctx, t, byType[t.value], null, scale);
          if (highlighted !== null) {
            ctx.strokeStyle = t.color;
            ctx.globalAlpha = 0.9;
            ctx.lineWidth = Math.max(2, 1.5 / scale);
            strokeType(ctx, t, byType[t.value], highlighted, scale);
          }
        });
        ctx.restore();
        edgesDrawn = count;
      });
    }
    /* ---- labels: the most central names, sized for the current zoom, none overlapping ----
       Candidates are the nodes Python chose to name (the most central, the focus first).
       At every zoom they are laid down in order of importance; a name whose box would
       overlap one already placed waits for a closer zoom (hover shows it meanwhile). */
    var LABEL_PX = 13;
    var candidates = data.nodes.filter(function (n) { return n.showLabel; }).concat(agg ? agg.units : []).sort(function (a, b) {
      return (b.id === data.focus) - (a.id === data.focus) || b.score - a.score || (a.id < b.id ? -1 : 1);
    });
    var labelled = Object.create(null);
    candidates.forEach(function (n) { labelled[n.id] = true; });  /* drawn with a label at first */
    /* the largest nodes are obstacles too: a name does not cover another big node */
    var obstacles = data.nodes.concat(agg ? agg.units : []).sort(function (a, b) { return b.size - a.size; }).slice(0, 150);
    function placeLabels() {
      if (highlighted !== null) { return; }
      var scale = network.getScale();
      if (!(scale > 0)) { return; }
      var px = LABEL_PX / scale, placed = [], update = [], next = Object.create(null), rank = 0;
      var visible = new Set(nodeView.getIds());
      var discs = [];
      obstacles.forEach(function (n) {
        var b = network.body.nodes[n.id];
        if (!b || !visible.has(n.id)) { return; }
        var p = network.canvasToDOM({ x: b.x, y: b.y }), r = (b.options.size || 10) * scale * 0.9;
        discs.push({ id: n.id, l: p.x - r, r: p.x + r, t: p.y - r, b: p.y + r });
      });
      candidates.forEach(function (n) {
        if (!visible.has(n.id)) { return; }
        var b = network.body.nodes[n.id];
        if (!b) { return; }
        var p = network.canvasToDOM({ x: b.x, y: b.y });
        var text = n.text || n.name;
        var w = text.length * LABEL_PX * 0.62 + 6, h = LABEL_PX * 1.35;
        var r = (b.options.size || 10) * scale;
        /* below the node, above it, or across it (vadjust moves a label up, in canvas units) */
        var spots = [[r + 1, 0], [-r - h - 1, -(2 * r + h + 2) / scale], [-h / 2, -(r + 1 + h / 2) / scale]];
        if (n.aggregate) { spots.reverse(); }  /* a cluster's name goes across its disc */
        var must = rank < 15 || n.id === data.focus;  /* these may cover other nodes (names have a halo) */
        var fallback = null;
        for (var k = 0; k < spots.length; k++) {
          var top = p.y + spots[k][0];
          var box = { l: p.x - w / 2, r: p.x + w / 2, t: top, b: top + h };
          var free = true, i;
          for (i = 0; i < placed.length && free; i++) {
            var o = placed[i];
            if (box.l < o.r && o.l < box.r && box.t < o.b && o.t < box.b) { free = false; }
          }
          if (!free) { continue; }
          if (fallback === null) { fallback = [box, spots[k][1]]; }
          for (i = 0; i < discs.length && free; i++) {
            var d = discs[i];
            if (d.id !== n.id && box.l < d.r && d.l < box.r && box.t < d.b && d.t < box.b) { free = false; }
          }
          if (free) { fallback = [box, spots[k][1]]; break; }
          if (!must) { fallback = null; }
        }
        rank++;
        if (fallback === null) { return; }
        placed.push(fallback[0]);
        next[n.id] = fallback[1];
      });
      candidates.forEach(function (n) {
        var on = n.id in next;
        if (on || labelled[n.id]) {
          update.push(on ? { id: n.id, label: n.text || n.name, font: { size: px, vadjust: next[n.id] } } : { id: n.id, label: "" });
        }
      });
      labelled = next;
      if (update.length) { updatePresent(update); }
      api.labelsShown = Object.keys(next);
    }
    var zoomTimer = null;
    network.on("zoom", function () {
      if (zoomTimer) { clearTimeout(zoomTimer); }
      zoomTimer = setTimeout(function () { zoomTimer = null; placeLabels(); }, 150);
    });
    api.placeLabels = function () { placeLabels(); return api.labelsShown; };

    network.once("afterDrawing", function () {
      api.firstDrawMs = performance.now();
      if (!data.physics) { api.ready = true; }
    });
    /* Present mode fills a wide slide: the settled layout (round) is stretched sideways
       towards the canvas's aspect ratio, at most 1.8 times, then fitted. */
    function fillSlide() {
      if (!data.present || large) { return; }
      var pos = network.getPositions(), ids = Object.keys(pos);
      if (ids.length < 3) { return; }
      var xs = ids.map(function (id) { return pos[id].x; }), ys = ids.map(function (id) { return pos[id].y; });
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var w0 = x1 - x0, h0 = Math.max.apply(null, ys) - Math.min.apply(null, ys);
      var aspect = canvas.clientWidth / Math.max(1, canvas.clientHeight);
      if (!(w0 > 0 && h0 > 0) || aspect <= w0 / h0) { return; }
      var stretch = Math.min(1.8, aspect / (w0 / h0)), cx = (x0 + x1) / 2;
      ids.forEach(function (id) { network.moveNode(id, cx + (pos[id].x - cx) * stretch, pos[id].y); });
      network.fit({ animation: false });
    }
    if (data.physics) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        fillSlide();
        placeLabels();
        api.stabilizedMs = performance.now();
        api.ready = true;
      });
    } else {
      network.fit({ animation: false });
      fillSlide();
      placeLabels();
    }

    /* ---- tooltips: built from text nodes ---- */
    function nodeTip(n) {
      var box = el("div");
      box.appendChild(el("div", "gk-tip-title", n.name));
      box.appendChild(el("div", "gk-tip-sub", n.label + (n.label === "Actor" ? " · " + n.kind.replace("_", " ") : "") +
        (n.cluster ? " · " + n.cluster : "")));
      var rows = [["id", n.id]].concat(n.props.filter(function (p) { return p[0] !== "name"; }));
      rows.push([data.sizeBy, fmt(n.score)]);
      box.appendChild(propTable(rows));
      return box;
    }
    function edgeTip(e) {
      var box = el("div");
      box.appendChild(el("div", "gk-tip-title", e.type));
      var a = byId[e.from], b = byId[e.to];
      box.appendChild(el("div", "gk-tip-sub", (a ? a.name : e.from) + " → " + (b ? b.name : e.to)));
      if (e.props.length) { box.appendChild(propTable(e.props.filter(function (p) { return p[0] !== "type"; }))); }
      return box;
    }
    function showTip(content, pointer) {
      tip.replaceChildren(content);
      tip.style.display = "block";
      var w = canvas.clientWidth, h = canvas.clientHeight;
      var x = Math.min(pointer.x + 14, Math.max(0, w - tip.offsetWidth - 4));
      var y = Math.min(pointer.y + 14, Math.max(0, h - tip.offsetHeight - 4));
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }
    function hideTip() { tip.style.display = "none"; }
    function unitTip(u) {
      var box = el("div");
      box.appendChild(el("div", "gk-tip-title", u.name));
      box.appendChild(el("div", "gk-tip-sub", "cluster · " + u.count.toLocaleString("en") + " actors · click to expand"));
      var rows = u.kinds.map(function (k) { return [k[0].replace("_", " "), k[1].toLocaleString("en")]; });
      rows.push(["most central", u.top.join("; ")]);
      box.appendChild(propTable(rows));
      return box;
    }
    network.on("hoverNode", function (ev) {
      var n = byId[ev.node], u = units[ev.node];
      if (u && !expanded.has(u.id)) { showTip(unitTip(u), ev.pointer.DOM); }
      else if (n) { showTip(nodeTip(n), ev.pointer.DOM); }
    });
    network.on("hoverEdge", function (ev) { var e = data.edges[ev.edge]; if (e) { showTip(edgeTip(e), ev.pointer.DOM); } });
    network.on("blurNode", hideTip);
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);

    /* ---- neighbourhood highlight and details ---- */
    var details = el("div", "gk-details");
    var adjacency = null;
    function neighbours(id) {
      if (!large) { return network.getConnectedNodes(id); }
      if (adjacency === null) {  /* edges are not vis-network objects here: index them once */
        adjacency = Object.create(null);
        data.edges.forEach(function (e) {
          (adjacency[e.from] = adjacency[e.from] || []).push(e.to);
          (adjacency[e.to] = adjacency[e.to] || []).push(e.from);
        });
      }
      return (adjacency[id] || []).filter(present);
    }
    function lookup(id) { return byId[id] || units[id]; }
    function highlight(id) {
      var keep = new Set(neighbours(id));
      keep.add(id);
      var nu = [];
      nodes.getIds().forEach(function (k) {
        var n = lookup(k), on = keep.has(k);
        nu.push({ id: k, group: on ? n.group : "faded-" + n.shape, label: on ? (n.text || n.name) : "" });
      });
      nodes.update(nu);
      highlighted = id;
      labelled = Object.create(null);
      var px = LABEL_PX / Math.max(network.getScale(), 1e-6);
      updatePresent(Array.from(keep).map(function (k) { return { id: k, font: { size: px, vadjust: 0 } }; }));
      if (large) {
        network.redraw();
      } else {
        var eu = [];
        data.edges.forEach(function (e, i) {
          var on = e.from === id || e.to === id;
          eu.push({ id: i, color: on ? edgeColor(e) : { color: FADED, opacity: 0.25 } });
        });
        edges.update(eu);
      }
      showDetails(byId[id], keep.size - 1);
    }
    function clearHighlight() {
      if (highlighted === null) { return; }
      nodes.update(nodes.getIds().map(function (k) { return { id: k, group: lookup(k).group, label: "" }; }));
      highlighted = null;
      labelled = Object.create(null);
      placeLabels();
      if (large) { network.redraw(); } else {
        edges.update(data.edges.map(function (e, i) { return { id: i, color: edgeColor(e) }; }));
      }
      details.replaceChildren(el("p", "gk-note", "Click a node to see its details and neighbours."));
    }
    function showDetails(n, neighbours) {
      var parts = [el("div", "gk-tip-title", n.name),
                   el("div", "gk-tip-sub", n.label + (n.label === "Actor" ? " · " + n.kind.replace("_", " ") : "") +
                      " · " + neighbours + " neighbour" + (neighbours === 1 ? "" : "s") + " shown"),
                   propTable([["id", n.id]].concat(n.props.filter(function (p) { return p[0] !== "name"; }))
                             .concat([[data.sizeBy, fmt(n.score)]]))];
      var clear = el("button", "gk-button", "Clear selection");
      clear.type = "button";
      clear.addEventListener("click", function () { network.unselectAll(); clearHighlight(); });
      parts.push(clear);
      details.replaceChildren.apply(details, parts);
    }
    /* ---- aggregated view: expand a cluster in place, collapse it again ---- */
    var expandedAt = -1e9;
    function expand(uid) {
      var u = units[uid];
      if (!u || expanded.has(uid)) { return false; }
      if (highlighted !== null) { network.unselectAll(); clearHighlight(); }
      hideTip();
      nodes.remove(uid);
      nodes.add(u.members.map(function (m) { var v = visNode(byId[m]); v.label = ""; return v; }));
      expanded.add(uid);
      expandedAt = performance.now();
      if (api.rebuildEdges) { api.rebuildEdges(); }
      placeLabels();
      return true;
    }
    function collapse(uid) {
      var u = units[uid];
      if (!u || !expanded.has(uid)) { return false; }
      if (highlighted !== null) { network.unselectAll(); clearHighlight(); }
      hideTip();
      nodes.remove(u.members);
      nodes.add(visUnit(u));
      expanded.delete(uid);
      u.members.forEach(function (m) { delete labelled[m]; });
      if (api.rebuildEdges) { api.rebuildEdges(); }
      placeLabels();
      return true;
    }
    network.on("selectNode", function (ev) {
      if (!ev.nodes.length) { return; }
      if (units[ev.nodes[0]]) { network.unselectAll(); expand(ev.nodes[0]); return; }
      highlight(ev.nodes[0]);
    });
    network.on("doubleClick", function (ev) {
      /* the double click that expanded a cluster (its first click did) does not collapse it */
      if (performance.now() - expandedAt < 700) { return; }
      if (ev.nodes.length && unitOf[ev.nodes[0]] && expanded.has(unitOf[ev.nodes[0]])) { collapse(unitOf[ev.nodes[0]]); }
    });
    network.on("deselectNode", function (ev) { if (!ev.nodes.length) { clearHighlight(); } });

    function selectNode(id) {
      var n = byId[id];
      if (!n) { return false; }
      if (unitOf[id] && !expanded.has(unitOf[id])) { expand(unitOf[id]); }  /* search opens the cluster */
      var changed = false;
      if (!show.kind.has(n.kind)) { show.kind.add(n.kind); changed = true; }
      if (show.cluster && !show.cluster.has(n.cluster)) { show.cluster.add(n.cluster); changed = true; }
      if (changed) { nodeView.refresh(); syncBoxes(); }
      network.selectNodes([id]);
      network.focus(id, { scale: large ? 1.0 : 1.3, animation: false });
      highlight(id);
      return true;
    }

    /* ---- search ---- */
    function search(q) {
      q = String(q).trim().toLowerCase();
      var out = [];
      if (!q) { return out; }
      for (var i = 0; i < data.nodes.length && out.length < 20; i++) {
        var n = data.nodes[i];
        if (n.name.toLowerCase().indexOf(q) >= 0 || n.id.toLowerCase().indexOf(q) >= 0) { out.push(n); }
      }
      return out;
    }
    side.appendChild(el("h2", null, "Search"));
    var input = el("input", "gk-search");
    input.type = "search";
    input.placeholder = "name or id";
    input.setAttribute("aria-label", "search a node by name or id");
    var results = el("ul", "gk-results");
    side.appendChild(input);
    side.appendChild(results);
    function renderResults() {
      var found = search(input.value);
      results.replaceChildren.apply(results, found.map(function (n) {
        var li = el("li");
        var b = el("button", null, n.name + (n.name === n.id ? "" : " (" + n.id + ")"));
        b.type = "button";
        b.addEventListener("click", function () { selectNode(n.id); });
        li.appendChild(b);
        return li;
      }));
      if (input.value.trim() && !found.length) { results.appendChild(el("li", "gk-note", "no match")); }
    }
    input.addEventListener("input", renderResults);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var f = search(input.value); if (f.length) { selectNode(f[0].id); } }
    });

    /* ---- legend = filters ---- */
    var boxes = [];
    function section(title, field, entries, note) {
      side.appendChild(el("h2", null, title));
      if (note) { side.appendChild(el("p", "gk-note", note)); }
      entries.forEach(function (entry) {
        var label = el("label", "gk-entry");
        var box = el("input");
        box.type = "checkbox";
        box.checked = show[field].has(entry.value);
        box.addEventListener("change", function () { setShown(field, entry.value, box.checked); });
        boxes.push({ field: field, value: entry.value, box: box });
        label.appendChild(box);
        label.appendChild(swatch(entry));
        label.appendChild(el("span", null, entry.name));
        label.appendChild(el("span", "gk-count", entry.count.toLocaleString("en")));
        side.appendChild(label);
      });
    }
    function syncBoxes() { boxes.forEach(function (b) { b.box.checked = show[b.field].has(b.value); }); }
    function setShown(field, value, on) {
      if (!show[field]) { return; }
      if (on) { show[field].add(value); } else { show[field].delete(value); }
      syncBoxes();
      if (field === "type") { edgeView.refresh(); } else { nodeView.refresh(); }
      /* nothing stale: the tooltip goes, and a selection the filter hid is cleared */
      hideTip();
      if (highlighted !== null && nodeView.get(highlighted) === null) { network.unselectAll(); clearHighlight(); }
      placeLabels();
    }
    data.filters.forEach(function (f) {
      var colour = f.field === data.colorBy ? "colour" : null;
      section(f.title, f.field, f.entries, colour ? "Colour shows " + (f.field === "kind" ? "actor kind" : "cluster") + "; shape shows the label." : null);
    });
    section("Relationships", "type", data.types, null);
    side.appendChild(el("h2", null, "Size"));
    /* size legend: the largest, a middle and the smallest node, at their relative sizes */
    var bySize = data.nodes.filter(function (n) { return !n.aggregate; }).sort(function (a, b) { return a.size - b.size; });
    if (bySize.length) {
      var maxSize = bySize[bySize.length - 1].size || 1, picks = [bySize[bySize.length - 1]];
      if (bySize.length > 2) { picks.push(bySize[Math.floor(bySize.length / 2)]); }
      if (bySize.length > 1) { picks.push(bySize[0]); }
      var sizes = el("div", "gk-sizes");
      picks.forEach(function (n) {
        var f = el("figure"), d = Math.max(4, 36 * n.size / maxSize);
        var dot = el("span");
        dot.style.width = d + "px"; dot.style.height = d + "px";
        f.appendChild(dot);
        f.appendChild(el("figcaption", null, fmt(n.score)));
        sizes.appendChild(f);
      });
      side.appendChild(sizes);
    }
    side.appendChild(el("p", "gk-note", "Node size shows " + data.sizeBy + ". " +
      (data.nodes.length > 1 ? "Names: the most central that fit without overlap; zoom in for more, hover for any." : "")));
    if (agg) {
      side.appendChild(el("p", "gk-note", agg.units.length.toLocaleString("en") + " clusters of " +
        data.nodes.length.toLocaleString("en") + " actors are drawn as single nodes (size: members, lines: ties between them). " +
        "Click a cluster to expand it; double-click one of its members to collapse it. Search finds any actor."));
    }
    /* Present mode: the legend stays on the slide (colours and tie kinds), the panel folded. */
    if (data.present) {
      var key = el("div", "gk-key");
      key.setAttribute("role", "list");
      key.setAttribute("aria-label", "legend");
      var coloured = data.filters.filter(function (f) { return f.field === data.colorBy; })[0] || data.filters[0];
      var tieWords = { MEMBER_OF: "membership", COOPERATES_WITH: "agreement", POSITION: "position" };
      var entries = (coloured ? coloured.entries.filter(function (e) { return e.count > 0; }).slice(0, 8) : [])
        .concat(data.types.filter(function (e) { return e.count > 0; }).map(function (e) {
          return { value: e.value, name: tieWords[e.value] || e.name, color: e.color, shape: "line", dashes: e.dashes };
        }));
      entries.forEach(function (e) {
        var item = el("span", "gk-key-item");
        item.setAttribute("role", "listitem");
        item.appendChild(swatch(e));
        item.appendChild(el("span", null, e.name));
        key.appendChild(item);
      });
      key.appendChild(el("span", "gk-key-item gk-key-size", "size: " + data.sizeBy));
      body.appendChild(key);
    }
    var fit = el("button", "gk-button", "Fit to screen");
    fit.type = "button";
    fit.addEventListener("click", fitAll);
    side.appendChild(fit);
    side.appendChild(el("h2", null, "Selected"));
    details.appendChild(el("p", "gk-note", "Click a node to see its details and neighbours."));
    side.appendChild(details);

    /* ---- keyboard: F fits, / (or S) searches, P folds the panel, Escape clears ---- */
    function fitAll() { network.fit({ animation: false }); placeLabels(); }
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      var mine = Object.keys(graphs).length === 1 || root.contains(document.activeElement);
      if (!mine) { return; }
      var typing = ev.target && (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA");
      if (ev.key === "Escape") {
        if (typing) { ev.target.blur(); }
        network.unselectAll(); clearHighlight(); hideTip();
        if (data.present) { setFolded(true); }
        return;
      }
      if (typing) { return; }
      if (ev.key === "f" || ev.key === "F") { fitAll(); ev.preventDefault(); }
      else if (ev.key === "/" || ev.key === "s" || ev.key === "S") {
        setFolded(false); input.focus(); input.select(); ev.preventDefault();
      } else if (ev.key === "p" || ev.key === "P") { setFolded(!root.classList.contains("gk-folded")); }
    });
    side.appendChild(el("p", "gk-note gk-keys", "Keys: F fit · / search · P panel · Esc clear"));

    api.search = function (q) { return search(q).map(function (n) { return n.id; }); };
    api.select = selectNode;
    api.expand = expand;
    api.collapse = collapse;
    api.expanded = function () { return Array.from(expanded); };
    api.units = function () { return agg ? agg.units.map(function (u) { return { id: u.id, name: u.name, count: u.count }; }) : []; };
    api.clear = function () { network.unselectAll(); clearHighlight(); };
    api.setShown = setShown;
    api.drawnCounts = function () {
      return { nodes: network.body.nodeIndices.length, edges: large ? edgesDrawn : network.body.edgeIndices.length };
    };
    return api;
  };
})();
