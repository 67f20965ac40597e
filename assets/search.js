// 校刊 search page: queries the Pagefind index in ../pagefind/ (built with the site; no server needed).
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  // Where the site is served from, so that a site in a sub-folder (https://host/pingjian/) works too.
  var siteRoot = new URL(form.dataset.root, location.href);
  var pagefind = null;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function item(result) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "article-link";
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    li.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [result.meta.issue, result.meta.section, result.meta.date].filter(Boolean).join(" · ");
    li.appendChild(meta);
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = result.excerpt;   // Pagefind escapes the text and marks the matches with <mark>
    li.appendChild(excerpt);
    return li;
  }

  function run(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    load().then(function (pf) { return pf.search(query); }).then(function (search) {
      return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); })).then(function (data) {
        data.forEach(function (result) { list.appendChild(item(result)); });
        status.textContent = search.results.length
          ? "找到 " + search.results.length + " 篇与「" + query + "」有关的文章" + (search.results.length > 30 ? "，显示前 30 篇" : "")
          : "没有找到与「" + query + "」有关的文章。";
      });
    }).catch(function () {
      status.textContent = "搜索索引没有加载。请通过网站访问本页（直接打开文件时浏览器不允许加载索引）。";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  run(initial);
})();
