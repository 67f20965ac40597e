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
      // The newest issue's index, with every older issue's merged in (an issue whose index cannot be
      // loaded is left out rather than failing the search).
      var merged = (form.dataset.merge || "").split(" ").filter(Boolean);
      pagefind = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname }).then(function () {
          return Promise.all(merged.map(function (path) {
            return pf.mergeIndex(new URL(path, siteRoot).href, { baseUrl: siteRoot.pathname }).catch(function () {});
          }));
        }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  // The index holds Chinese as single characters (xiaokan/web/search.py): ask for the query's characters
  // as an exact phrase, so that every article containing it is found, and only those.
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  var BOUNDARY = new RegExp("(?<=[" + HAN + "])(?=\\S)|(?<=\\S)(?=[" + HAN + "])", "g");
  function indexed(query) {
    return query.trim().split(/\s+/).filter(Boolean).map(function (term) {
      var spaced = term.replace(BOUNDARY, " ");
      return spaced === term ? term : '"' + spaced + '"';
    }).join(" ");
  }
  // ...and show the excerpt as written: no space next to a Chinese character (tags in between count not).
  var WIDE = HAN + "\\u3000-\\u303f\\uff00-\\uffef\\u2018-\\u201d";
  var AFTER_WIDE = new RegExp("(?<=[" + WIDE + "](?:<[^>]+>)*)\\s+", "g");
  var BEFORE_WIDE = new RegExp("\\s+(?=(?:<[^>]+>)*[" + WIDE + "])", "g");
  function unspaced(html) {
    return html.replace(AFTER_WIDE, "").replace(BEFORE_WIDE, "").replace(/<\/mark><mark>/g, "");
  }
  // Pagefind's excerpt starts where its window does, often inside a sentence or on its last mark
  // (「。学校召开…」): start it after the last sentence end before the first match, never on a mark.
  var SENTENCE_END = /[。！？!?][”’」』）)]*/g;
  var NO_START = /^[\s。，、；：！？…）》」』”’,.;:!?)]+/;
  function fromSentenceStart(html) {
    var first = html.indexOf("<mark>"), cut = 0, end;
    SENTENCE_END.lastIndex = 0;
    while (first > 0 && (end = SENTENCE_END.exec(html.slice(0, first)))) { cut = end.index + end[0].length; }
    return html.slice(cut).replace(NO_START, "");
  }

  var selects = Array.prototype.slice.call(document.querySelectorAll("#search-filters select"));
  var params = new URLSearchParams(location.search);
  // 栏目 and 年份 filters (their choices are written into the page by the build). They filter the
  // results here, by each result's 栏目 and date: Pagefind's own filters make its index differ from
  // build to build, and the site's output must not.
  selects.forEach(function (select) {
    select.value = params.get(select.dataset.filter) || "";
    select.addEventListener("change", function () { submit(); });
  });
  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) { if (select.value) { filters[select.dataset.filter] = select.value; } });
    return filters;
  }

  function item(result, query) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "article-link";
    // (the page's address from the site root, as the build recorded it; the article marks the words: site.js)
    var address = result.meta.url ? new URL(result.meta.url, siteRoot).href : result.url;
    link.href = address + "?q=" + encodeURIComponent(query);
    link.textContent = result.meta.title || result.url;
    li.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [result.meta.issue, result.meta.section, result.meta.date].filter(Boolean).join(" · ");
    li.appendChild(meta);
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = fromSentenceStart(unspaced(result.excerpt));   // Pagefind escapes the text and marks the matches with <mark>
    li.appendChild(excerpt);
    return li;
  }

  // An article whose title holds every word of the query ranks first; the rest keep Pagefind's order.
  function titleMatchesFirst(results, query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    function inTitle(result) {
      var title = (result.meta.title || "").toLowerCase();
      return terms.every(function (term) { return title.indexOf(term) !== -1; });
    }
    return results.filter(inTitle).concat(results.filter(function (r) { return !inTitle(r); }));
  }

  function run(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    var filters = chosenFilters(), filtered = Object.keys(filters).length > 0;
    load().then(function (pf) { return pf.search(indexed(query)); }).then(function (search) {
      // (with a filter, every result's data is read to know its 栏目 and date)
      // (with a filter, every result's data is read to know its 栏目 and date; without, the first 60,
      // enough to bring the articles whose title holds the query to the top)
      return Promise.all((filtered ? search.results : search.results.slice(0, 60)).map(function (r) { return r.data(); })).then(function (all) {
        var data = all.filter(function (result) {
          return (!filters["栏目"] || result.meta.section === filters["栏目"]) &&
                 (!filters["年份"] || (result.meta.date || "").indexOf(filters["年份"]) === 0);
        });
        data = titleMatchesFirst(data, query);
        var total = filtered ? data.length : search.results.length;
        data.slice(0, 30).forEach(function (result) { list.appendChild(item(result, query)); });
        status.textContent = total
          ? "找到 " + total + " 篇与「" + query + "」有关的文章" + (total > 30 ? "，显示前 30 篇" : "")
          : "没有找到与「" + query + "」有关的文章。";
      });
    }).catch(function () {
      status.textContent = "搜索索引没有加载。请通过网站访问本页（直接打开文件时浏览器不允许加载索引）。";
    });
  }

  function submit() {
    var query = new URLSearchParams({ q: input.value });
    Object.entries(chosenFilters()).forEach(function (pair) { query.set(pair[0], pair[1]); });
    history.replaceState(null, "", "?" + query.toString());
    run(input.value);
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  var initial = params.get("q") || "";
  input.value = initial;
  run(initial);
})();
