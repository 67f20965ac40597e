// 校刊: what the pages do in the browser. Everything works without it; it adds comfort.
(function () {
  "use strict";

  // Back to top: shown once the reader is a screen or more down the page.
  var top = document.querySelector(".back-to-top");
  if (top) {
    var toggle = function () { top.hidden = window.scrollY < window.innerHeight; };
    window.addEventListener("scroll", toggle, { passive: true });
    toggle();
    top.addEventListener("click", function (event) {
      event.preventDefault();
      window.scrollTo({ top: 0, behavior: "smooth" });
      document.querySelector(".skip-link").focus({ preventScroll: true });
    });
  }

  function copy(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "已复制";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { window.prompt("复制这个链接：", text); });
    } else {
      window.prompt("复制这个链接：", text);
    }
  }

  var article = document.querySelector(".article");
  if (!article) { return; }
  var address = location.href.split("#")[0].split("?")[0];

  // The table of contents is open beside the text on a wide screen, folded at the top on a phone.
  var toc = document.querySelector(".article-toc details");
  if (toc && window.matchMedia("(min-width: 64rem)").matches) { toc.open = true; }

  // Heading anchors: a link to the section, copied when clicked.
  article.querySelectorAll(".body h2[id], .body h3[id], .body h4[id]").forEach(function (heading) {
    var link = document.createElement("a");
    link.className = "heading-anchor";
    link.href = "#" + heading.id;
    link.textContent = "#";
    link.setAttribute("aria-label", "复制本节链接：" + heading.textContent);
    link.addEventListener("click", function () {
      copy(address + "#" + encodeURIComponent(heading.id), link);
    });
    heading.appendChild(link);
  });

  // Share: copy the address, or show its QR code (WeChat users scan rather than paste).
  var share = document.querySelector(".share-copy");
  if (share) {
    share.addEventListener("click", function () { copy(share.getAttribute("data-url"), share); });
  }
  // (the QR encoder, vendored from npm's qrcode-generator, loads only when a reader asks for the code)
  var qr = document.querySelector(".share-qr"), dialog = document.getElementById("share-qr-dialog");
  if (qr && dialog && dialog.showModal) {
    var drawn = false;
    var draw = function () {
      var code = window.qrcode(0, "M");
      code.addData(share.getAttribute("data-url"));
      code.make();
      var box = dialog.querySelector(".qr-code");
      box.innerHTML = code.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
      box.firstChild.setAttribute("class", "qr");
      box.firstChild.setAttribute("aria-hidden", "true");
      drawn = true;
    };
    qr.addEventListener("click", function () {
      dialog.showModal();
      if (drawn) { return; }
      if (window.qrcode) { draw(); return; }
      var script = document.createElement("script");
      script.src = dialog.getAttribute("data-qr-script");
      script.onload = draw;
      document.head.appendChild(script);
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
  }

  // Zoom: a tap on a photo shows it whole, at its full size.
  var viewer = document.createElement("dialog");
  viewer.className = "zoom";
  viewer.setAttribute("aria-label", "查看大图");
  var big = document.createElement("img");
  var close = document.createElement("button");
  close.type = "button";
  close.className = "zoom-close";
  close.textContent = "关闭";
  viewer.appendChild(big);
  viewer.appendChild(close);
  viewer.addEventListener("click", function () { viewer.close(); });
  document.body.appendChild(viewer);
  article.querySelectorAll(".body img").forEach(function (img) {
    if (img.closest("a")) { return; }
    img.classList.add("zoomable");
    img.tabIndex = 0;
    img.setAttribute("role", "button");
    img.setAttribute("aria-label", "查看大图：" + (img.alt || ""));
    var open = function () {
      big.src = img.currentSrc && !img.srcset ? img.currentSrc : img.getAttribute("src");
      big.alt = img.alt;
      viewer.showModal();
    };
    img.addEventListener("click", open);
    img.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
    });
  });

  // The words a reader searched for (the search page links here with ?q=…), marked, the first in view.
  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  if (!query) { return; }
  // Folded as the search page folds (assets/search.js): lower case, full-width Latin as half-width,
  // blanks left out, so that what it found (ＯＢＥ for OBE, OBE理念 for 「OBE 理念」) is marked here too.
  function fold(c) {
    var code = c.charCodeAt(0);
    return code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0).toLowerCase() : c.toLowerCase();
  }
  function squeezed(text) {   // -> {s: the folded characters without blanks, at: the index in text of each}
    var s = "", at = [];
    for (var i = 0; i < text.length; i++) {
      var c = text[i], code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) { c += text[++i]; }
      var f = fold(c);
      if (code <= 0x20 || /^[\s\u00ad\u200b-\u200d\u2060]+$/.test(f)) { continue; }
      for (var k = 0; k < f.length; k++) { s += f[k]; at.push(i - c.length + 1 + Math.min(k, c.length - 1)); }
    }
    return { s: s, at: at };
  }
  var terms = query.split(/\s+/).map(function (t) { return squeezed(t).s; }).filter(Boolean);
  var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: function (node) {
      return node.parentNode.closest("script, style, mark, .share") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    }
  });
  var nodes = [];
  while (walker.nextNode()) { nodes.push(walker.currentNode); }
  var first = null;
  nodes.forEach(function (node) {
    var text = node.nodeValue, folded = squeezed(text), at = 0, done = 0, pieces = [];
    for (;;) {
      var best = -1, length = 0;
      terms.forEach(function (term) {
        var i = folded.s.indexOf(term, at);
        if (i !== -1 && (best === -1 || i < best)) { best = i; length = term.length; }
      });
      if (best === -1) { break; }
      var from = Math.max(done, folded.at[best]), to = folded.at[best + length - 1] + 1;
      pieces.push(document.createTextNode(text.slice(done, from)));
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = text.slice(from, to);
      pieces.push(mark);
      first = first || mark;
      at = best + length;
      done = to;
    }
    if (!pieces.length) { return; }
    pieces.push(document.createTextNode(text.slice(done)));
    var parent = node.parentNode;
    pieces.forEach(function (piece) { parent.insertBefore(piece, node); });
    parent.removeChild(node);
  });
  if (first) { first.scrollIntoView({ block: "center" }); }
})();
