/* Relational Atlas map page: legend, filters, search, side panel, language switch.
 *
 * Safety: every piece of data is read from the JSON block and put in the page
 * with textContent or as a DOM property; nothing is parsed as HTML. Links are
 * made only from URLs whose protocol is http: or https:. The page loads
 * nothing (see its Content-Security-Policy).
 */
(function () {
  "use strict";

  var UI = {
    en: {
      search: "Find a node…", noMatch: "No match", language: "Language", principle: "Colour by principle",
      kinds: "Types", families: "Issue families", clusters: "Clusters", edges: "Links", marks: "Marks",
      scale: "Share of the issue's experiences evidencing the principle", shown: "nodes shown",
      close: "Close", period: "Period", territory: "Territory", lessons: "Lessons", sources: "Sources",
      evidence: "Evidence (experiences)", neighbours: "Connected to", families1: "Families", link: "Link",
      relation: "Relation", dataOf: "data of", input: "input", evidenceOf: "Evidence of", more: "more",
      r_addresses: "addresses", r_illustrates: "illustrates", r_located: "located in", r_involves: "involves",
      r_broader: "broader", r_related: "related", r_peer: "peer territory", r_shares: "shares the issue",
      r_evidences: "evidences", "r_link": "systemic link", "r_remote link": "remote systemic link",
      f_centrality: "centrality", f_experiences: "experiences", f_cluster: "cluster", f_role: "role",
      f_betweenness: "betweenness", f_participation: "participation", f_steps: "steps from the focus",
      f_type: "type", f_population: "population", f_region: "region", f_country: "country",
      f_similarity: "similarity", "f_issue similarity": "issue similarity",
      "f_principle similarity": "principle similarity", "f_context similarity": "context similarity",
      "f_shared context": "shared context", "f_shared issues": "shared issues", f_measure: "measure",
      f_score: "score", f_support: "shared experiences", "f_p-value": "p-value", f_remoteness: "remoteness",
      f_cases: "experiences evidencing it", f_share: "share", f_issues: "issues"
    },
    fr: {
      search: "Trouver un nœud…", noMatch: "Aucun résultat", language: "Langue", principle: "Couleur par principe",
      kinds: "Types", families: "Familles d'enjeux", clusters: "Groupes", edges: "Liens", marks: "Repères",
      scale: "Part des expériences de l'enjeu qui illustrent le principe", shown: "nœuds affichés",
      close: "Fermer", period: "Période", territory: "Territoire", lessons: "Enseignements", sources: "Sources",
      evidence: "Preuves (expériences)", neighbours: "Relié à", families1: "Familles", link: "Lien",
      relation: "Relation", dataOf: "données du", input: "entrée", evidenceOf: "Illustration de", more: "de plus",
      r_addresses: "traite", r_illustrates: "illustre", r_located: "située à", r_involves: "implique",
      r_broader: "plus large", r_related: "associé", r_peer: "territoire pair", r_shares: "partage l'enjeu",
      r_evidences: "illustre", "r_link": "lien systémique", "r_remote link": "lien systémique lointain",
      f_centrality: "centralité", f_experiences: "expériences", f_cluster: "groupe", f_role: "rôle",
      f_betweenness: "intermédiarité", f_participation: "participation", f_steps: "pas depuis le point de départ",
      f_type: "type", f_population: "population", f_region: "région", f_country: "pays",
      f_similarity: "similarité", "f_issue similarity": "similarité des enjeux",
      "f_principle similarity": "similarité des principes", "f_context similarity": "similarité de contexte",
      "f_shared context": "contexte commun", "f_shared issues": "enjeux communs", f_measure: "mesure",
      f_score: "score", f_support: "expériences communes", "f_p-value": "valeur p", f_remoteness: "éloignement",
      f_cases: "expériences qui l'illustrent", f_share: "part", f_issues: "enjeux"
    }
  };

  var data = JSON.parse(document.getElementById("atlas-data").textContent);
  var info = data.info;
  var links = data.links;
  var lang = data.lang;
  var byIri = Object.create(null);
  for (var i = 0; i < info.length; i++) { byIri[info[i].iri] = i; }

  function t(key) {
    var table = UI[lang] || UI.en;
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : (UI.en[key] || key);
  }
  function pick(labels) {
    if (!labels) { return ""; }
    if (Object.prototype.hasOwnProperty.call(labels, lang)) { return String(labels[lang]); }
    var order = ["en", "fr", ""];
    for (var k = 0; k < order.length; k++) {
      if (Object.prototype.hasOwnProperty.call(labels, order[k])) { return String(labels[order[k]]); }
    }
    var keys = Object.keys(labels).sort();
    return keys.length ? String(labels[keys[0]]) : "";
  }
  function labelOf(iri) {
    if (Object.prototype.hasOwnProperty.call(byIri, iri)) { return pick(info[byIri[iri]].labels); }
    if (Object.prototype.hasOwnProperty.call(data.labels, iri)) { return pick(data.labels[iri]); }
    return String(iri).replace(/\/+$/, "").split("/").pop();
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeUrl(text) {
    try {
      var url = new URL(String(text));
      if (url.protocol === "http:" || url.protocol === "https:") { return url.href; }
    } catch (e) { /* not a URL: shown as text */ }
    return null;
  }
  function colour(text) {
    return /^#[0-9a-fA-F]{6}$/.test(String(text)) ? String(text) : "#9e9e9e";
  }
  function swatch(entryColour, shape) {
    var s = el("span", "atlas-swatch atlas-shape-" + String(shape || "dot").replace(/[^A-Za-z]/g, ""));
    if (shape === "line" || shape === "dashed") { s.style.borderTopColor = colour(entryColour); }
    else { s.style.backgroundColor = colour(entryColour); }
    return s;
  }
  function number(value) {
    if (typeof value !== "number") { return String(value); }
    if (Number.isInteger(value)) { return value.toLocaleString(lang || "en"); }
    return String(Math.abs(value) < 0.001 && value !== 0 ? value.toExponential(2) : Math.round(value * 10000) / 10000);
  }

  /* ---- the network -------------------------------------------------------------------------------- */
  data.nodes.forEach(function (n) { n.title = n.label; });  /* tooltips: vis-network shows them with innerText */
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("atlas-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.visOptions);
  network.once("afterDrawing", function () {
    window.__atlasReady = true;
    document.body.setAttribute("data-ready", "1");
  });
  function settled() {
    window.__atlasStable = true;
    document.body.setAttribute("data-stable", "1");
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      settled();
    });
  } else {
    settled();
  }
  window.__atlas = { network: network, nodes: nodes, edges: edges };

  /* ---- filters ---------------------------------------------------------------------------------- */
  var hiddenKinds = Object.create(null);
  var hiddenFamilies = Object.create(null);
  var nodeHidden = new Array(info.length).fill(false);
  var edgeHidden = new Array(links.length).fill(false);
  var edgeEnds = data.edges.map(function (e) { return [e.from, e.to]; });

  function isHidden(i) {
    var item = info[i];
    if (hiddenKinds[item.kind]) { return true; }
    var fams = item.families || [];
    if (!fams.length) { return false; }
    for (var k = 0; k < fams.length; k++) { if (!hiddenFamilies[fams[k]]) { return false; } }
    return true;
  }
  function applyFilters() {
    var nodeChanges = [], edgeChanges = [], shown = 0;
    for (var i = 0; i < info.length; i++) {
      var h = isHidden(i);
      if (!h) { shown++; }
      if (h !== nodeHidden[i]) { nodeHidden[i] = h; nodeChanges.push({ id: i, hidden: h }); }
    }
    for (var j = 0; j < edgeEnds.length; j++) {
      var eh = nodeHidden[edgeEnds[j][0]] || nodeHidden[edgeEnds[j][1]];
      if (eh !== edgeHidden[j]) { edgeHidden[j] = eh; edgeChanges.push({ id: j, hidden: eh }); }
    }
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    var count = document.getElementById("atlas-count");
    if (count) { count.textContent = shown.toLocaleString(lang || "en") + " / " + info.length.toLocaleString(lang || "en") + " " + t("shown"); }
  }

  /* ---- legend and filters panel ------------------------------------------------------------------ */
  var SECTIONS = [["kind", "kinds"], ["family", "families"], ["cluster", "clusters"], ["scale", "scale"],
                  ["edge", "edges"], ["mark", "marks"]];
  function buildControls() {
    var box = document.getElementById("atlas-controls");
    box.textContent = "";
    box.appendChild(el("p", null, "")).id = "atlas-count";
    SECTIONS.forEach(function (pair) {
      var entries = data.legend.filter(function (e) { return e.section === pair[0]; });
      if (!entries.length) { return; }
      box.appendChild(el("h2", null, t(pair[1])));
      entries.forEach(function (entry) {
        var filterable = entry.section === "kind" || entry.section === "family";
        var line = el(filterable ? "label" : "div", filterable ? null : "atlas-legend-line");
        if (filterable) {
          var check = document.createElement("input");
          check.type = "checkbox";
          check.className = "atlas-filter";
          check.setAttribute("data-section", entry.section);
          check.setAttribute("data-key", entry.key);
          var store = entry.section === "kind" ? hiddenKinds : hiddenFamilies;
          check.checked = !store[entry.key];
          check.addEventListener("change", function () { store[entry.key] = !check.checked; applyFilters(); });
          line.appendChild(check);
        }
        line.appendChild(swatch(entry.colour, entry.shape));
        line.appendChild(el("span", null, pick(entry.labels)));
        box.appendChild(line);
      });
    });
    applyFilters();
  }

  /* ---- header ------------------------------------------------------------------------------------ */
  function buildHeader() {
    var name = pick(data.name) || "Relational Atlas";
    var viewName = data.viewNames[data.view] ? pick(data.viewNames[data.view]) : data.view;
    document.getElementById("atlas-title").textContent = name + " — " + viewName;
    var stamp = [];
    if (data.date) { stamp.push(t("dataOf") + " " + data.date); }
    stamp.push(data.options.map(function (o) { return o[0] + "=" + o[1]; }).join(" "));
    stamp.push(t("input") + " " + String(data.hash).slice(0, 12));
    document.getElementById("atlas-stamp").textContent = stamp.join(" · ");
    document.title = name + " — " + viewName;
    document.getElementById("atlas-search").placeholder = t("search");
    document.getElementById("atlas-lang-label").textContent = t("language");
    document.getElementById("atlas-overlay-label").textContent = t("principle");
  }

  /* ---- side panel -------------------------------------------------------------------------------- */
  var panel = document.getElementById("atlas-panel");
  var current = null;

  function focusButton(iri, text) {
    if (Object.prototype.hasOwnProperty.call(byIri, iri)) {
      var b = el("button", "atlas-link-button", text);
      b.type = "button";
      b.addEventListener("click", function () { focusNode(byIri[iri]); });
      return b;
    }
    return el("span", null, text);
  }
  function addFacts(list, facts) {
    (facts || []).forEach(function (f) {
      list.appendChild(el("dt", null, t("f_" + f[0])));
      list.appendChild(el("dd", null, number(f[1])));
    });
  }
  function panelStart(title) {
    panel.textContent = "";
    var close = el("button", null, t("close"));
    close.id = "atlas-close";
    close.type = "button";
    close.addEventListener("click", function () { panel.hidden = true; current = null; network.unselectAll(); });
    panel.appendChild(close);
    panel.appendChild(el("h2", "atlas-panel-title", title));
    panel.hidden = false;
  }
  function showNode(i) {
    var item = info[i];
    current = ["node", i];
    panelStart(pick(item.labels));
    var kindLine = el("p", "atlas-kind-line", data.kindNames[item.kind] ? pick(data.kindNames[item.kind]) : item.kind);
    panel.appendChild(kindLine);
    if (item.families && item.families.length) {
      var chips = el("p");
      item.families.forEach(function (f) {
        var chip = el("span", "atlas-chip");
        chip.appendChild(swatch(data.familyColours[f], "dot"));
        chip.appendChild(el("span", null, labelOf(f)));
        chips.appendChild(chip);
      });
      panel.appendChild(chips);
    }
    var facts = el("dl");
    if (item.period) { facts.appendChild(el("dt", null, t("period"))); facts.appendChild(el("dd", null, item.period)); }
    if (item.territory) {
      facts.appendChild(el("dt", null, t("territory")));
      var dd = el("dd");
      dd.appendChild(focusButton(item.territory, labelOf(item.territory)));
      facts.appendChild(dd);
    }
    if (data.overlay && item.kind === "issue") {
      var share = shareOf(i, data.overlay.selected);
      facts.appendChild(el("dt", null, t("evidenceOf") + " " + labelOf(data.overlay.principles[data.overlay.selected])));
      facts.appendChild(el("dd", null, Math.round(share * 100) + " %"));
    }
    addFacts(facts, item.facts);
    panel.appendChild(facts);
    if (item.text) { panel.appendChild(el("p", "atlas-text", pick(item.text))); }
    if (item.lessons && item.lessons.length) {
      panel.appendChild(el("h3", null, t("lessons")));
      var ul = el("ul");
      item.lessons.forEach(function (lesson) { ul.appendChild(el("li", null, pick(lesson))); });
      panel.appendChild(ul);
    }
    addSources(item.sources);
    var around = network.getConnectedNodes(i).slice().sort(function (a, b) {
      var x = pick(info[a].labels), y = pick(info[b].labels);
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    if (around.length) {
      panel.appendChild(el("h3", null, t("neighbours") + " (" + around.length + ")"));
      var list = el("ul");
      around.slice(0, 60).forEach(function (j) {
        var li = el("li");
        li.appendChild(focusButton(info[j].iri, pick(info[j].labels)));
        list.appendChild(li);
      });
      if (around.length > 60) { list.appendChild(el("li", null, "… " + (around.length - 60) + " " + t("more"))); }
      panel.appendChild(list);
    }
  }
  function addSources(sources) {
    var good = (sources || []).map(function (s) { return [s, safeUrl(s)]; }).filter(function (p) { return p[1]; });
    if (!good.length) { return; }
    panel.appendChild(el("h3", null, t("sources")));
    var ul = el("ul");
    good.forEach(function (p) {
      var li = el("li"), a = el("a", null, p[0]);
      a.href = p[1];
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      li.appendChild(a);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }
  function showEdge(j) {
    var link = links[j], ends = edgeEnds[j];
    current = ["edge", j];
    panelStart(pick(info[ends[0]].labels) + " — " + pick(info[ends[1]].labels));
    panel.appendChild(el("p", "atlas-kind-line", t("r_" + link.relation)));
    var facts = el("dl");
    addFacts(facts, link.facts);
    panel.appendChild(facts);
    var ends2 = el("p");
    ends2.appendChild(focusButton(info[ends[0]].iri, pick(info[ends[0]].labels)));
    ends2.appendChild(el("span", null, " — "));
    ends2.appendChild(focusButton(info[ends[1]].iri, pick(info[ends[1]].labels)));
    panel.appendChild(ends2);
    if (link.evidence && link.evidence.length) {
      panel.appendChild(el("h3", null, t("evidence") + " (" + link.evidence.length + ")"));
      var ul = el("ul");
      link.evidence.forEach(function (iri) {
        var li = el("li");
        li.appendChild(focusButton(iri, labelOf(iri)));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
  }
  function refreshPanel() {
    if (!current || panel.hidden) { return; }
    if (current[0] === "node") { showNode(current[1]); } else { showEdge(current[1]); }
  }
  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges && params.edges.length) { showEdge(params.edges[0]); }
  });

  function focusNode(i) {
    if (nodeHidden[i]) {
      hiddenKinds[info[i].kind] = false;
      (info[i].families || []).forEach(function (f) { hiddenFamilies[f] = false; });
      buildControls();
    }
    network.focus(i, { scale: Math.max(network.getScale(), 1.0), animation: false });
    network.selectNodes([i]);
    showNode(i);
  }

  /* ---- search ------------------------------------------------------------------------------------ */
  var folded = info.map(function (item) {
    return Object.keys(item.labels).sort().map(function (k) { return fold(item.labels[k]); });
  });
  var search = document.getElementById("atlas-search");
  var results = document.getElementById("atlas-results");
  var found = [];
  function runSearch() {
    var q = fold(search.value).trim();
    results.textContent = "";
    found = [];
    if (!q) { results.hidden = true; return; }
    var starts = [], inside = [];
    for (var i = 0; i < folded.length && starts.length < 20; i++) {
      var best = -1;
      for (var k = 0; k < folded[i].length; k++) {
        var at = folded[i][k].indexOf(q);
        if (at === 0) { best = 0; break; }
        if (at > 0) { best = 1; }
      }
      if (best === 0) { starts.push(i); } else if (best === 1 && inside.length < 20) { inside.push(i); }
    }
    found = starts.concat(inside).slice(0, 20);
    if (!found.length) { results.appendChild(el("li", null, t("noMatch"))); }
    found.forEach(function (i) {
      var li = el("li"), b = el("button", "atlas-result");
      b.type = "button";
      b.appendChild(el("span", null, pick(info[i].labels)));
      b.appendChild(el("span", "atlas-kind", data.kindNames[info[i].kind] ? pick(data.kindNames[info[i].kind]) : info[i].kind));
      b.addEventListener("click", function () { results.hidden = true; focusNode(i); });
      li.appendChild(b);
      results.appendChild(li);
    });
    results.hidden = false;
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && found.length) { results.hidden = true; focusNode(found[0]); }
    if (event.key === "Escape") { results.hidden = true; }
  });

  /* ---- principle overlay ------------------------------------------------------------------------- */
  function shareOf(i, p) {
    var row = data.overlay.shares[i];
    if (!row) { return 0; }
    for (var k = 0; k < row.length; k++) { if (row[k][0] === p) { return row[k][1]; } }
    return 0;
  }
  function binColour(share) {
    var bins = data.overlay.bins;
    for (var k = 0; k < bins.length; k++) { if (share <= bins[k][0]) { return bins[k][1]; } }
    return bins[bins.length - 1][1];
  }
  function recolour() {
    var changes = [], chosen = data.overlay.principles[data.overlay.selected];
    for (var i = 0; i < info.length; i++) {
      if (info[i].kind === "issue") {
        changes.push({ id: i, color: colour(binColour(shareOf(i, data.overlay.selected))) });
      } else if (info[i].kind === "principle") {
        var base = data.nodes[i].color;
        base = colour(typeof base === "string" ? base : base.background);
        var on = info[i].iri === chosen;
        changes.push({ id: i, borderWidth: on ? 3 : 1, color: on ? { background: base, border: "#000000",
          highlight: { background: base, border: "#000000" } } : base });
      }
    }
    nodes.update(changes);
    refreshPanel();
  }
  function buildOverlay() {
    if (!data.overlay) { return; }
    var select = document.getElementById("atlas-overlay");
    select.textContent = "";
    data.overlay.principles.forEach(function (iri, k) {
      var option = el("option", null, labelOf(iri));
      option.value = String(k);
      option.selected = k === data.overlay.selected;
      select.appendChild(option);
    });
    document.getElementById("atlas-overlay-box").hidden = false;
  }
  if (data.overlay) {
    document.getElementById("atlas-overlay").addEventListener("change", function (event) {
      data.overlay.selected = parseInt(event.target.value, 10);
      recolour();
    });
  }

  /* ---- language ---------------------------------------------------------------------------------- */
  function relabel() {
    var changes = [];
    for (var i = 0; i < info.length; i++) {
      var text = pick(info[i].labels);
      changes.push({ id: i, label: text, title: text });
    }
    nodes.update(changes);
  }
  function buildLanguages() {
    if (data.langs.length < 2) { return; }
    var select = document.getElementById("atlas-lang");
    select.textContent = "";
    data.langs.forEach(function (code) {
      var option = el("option", null, code);
      option.value = code;
      option.selected = code === lang;
      select.appendChild(option);
    });
    document.getElementById("atlas-lang-box").hidden = false;
  }
  document.getElementById("atlas-lang").addEventListener("change", function (event) {
    lang = String(event.target.value);
    document.documentElement.lang = lang;
    relabel();
    buildHeader();
    buildControls();
    buildOverlay();
    refreshPanel();
    if (search.value) { runSearch(); }
  });

  buildHeader();
  buildControls();
  buildOverlay();
  buildLanguages();
}());
