// 校刊 article page: mark the words a reader searched for (the search page links here with ?q=…).
(function () {
  "use strict";
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  var root = document.querySelector(".article");
  if (!query || !root) { return; }
  var terms = query.split(/\s+/).filter(Boolean).map(function (t) { return t.toLowerCase(); });
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: function (node) {
      return node.parentNode.closest("script, style, mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    }
  });
  var nodes = [];
  while (walker.nextNode()) { nodes.push(walker.currentNode); }
  var first = null;
  nodes.forEach(function (node) {
    var text = node.nodeValue, lower = text.toLowerCase(), at = 0, pieces = [], hit = false;
    for (;;) {
      var best = -1, length = 0;
      terms.forEach(function (term) {
        var i = lower.indexOf(term, at);
        if (i !== -1 && (best === -1 || i < best)) { best = i; length = term.length; }
      });
      if (best === -1) { break; }
      pieces.push(document.createTextNode(text.slice(at, best)));
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = text.slice(best, best + length);
      pieces.push(mark);
      first = first || mark;
      at = best + length;
      hit = true;
    }
    if (!hit) { return; }
    pieces.push(document.createTextNode(text.slice(at)));
    var parent = node.parentNode;
    pieces.forEach(function (piece) { parent.insertBefore(piece, node); });
    parent.removeChild(node);
  });
  if (first) { first.scrollIntoView({ block: "center" }); }
})();
