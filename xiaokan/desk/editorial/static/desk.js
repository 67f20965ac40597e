// 编辑部: the board (issues, articles by 栏目, their order and state), the long jobs (生成网站, 出校样,
// 发布, 导入Word稿) and what the editor and history views (editor.js) share: the API, the router, dialogs.
"use strict";

const Desk = {token: "", user: "", role: "", may: {}, sections: [], views: {}, board: null, told: ""};

async function api(method, path, body, raw) {
  const headers = {"X-Desk-Token": Desk.token};
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers["Content-Type"] = "application/octet-stream";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, {method: method, headers: headers, body: payload, credentials: "same-origin"});
  } catch (e) {
    return {ok: false, status: 0, data: {error: "连不上预览服务器：它还在运行吗？"}};
  }
  if (response.status === 401) {   // (the session has ended: the login page says so, and comes back here)
    location.href = "login?expired=1&next=" + encodeURIComponent(location.pathname + location.hash);
  }
  const data = await response.json().catch(function () { return {}; });
  return {ok: response.ok, status: response.status, data: data};
}

// el("a", {href: "#/"}, "text", child…): elements built from data, never from HTML strings.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// A node's new children, leaving out the parts a condition left out (replaceChildren itself would
// show a null as the text "null").
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter(function (c) { return c !== null && c !== undefined && c !== false; }));
}

function say(text, isError) {
  const status = document.getElementById("status");
  fill(status, ...noticeNodes(text || ""));
  status.classList.toggle("error", Boolean(isError));
}

// A notice is its first line; the lines after "→" are its advice (as a hint follows an error on the
// command line), shown on request, so that the notice takes a line or two of a phone's screen.
function noticeNodes(text) {
  const [first, ...rest] = text.split("\n");
  if (!rest.length || !/^\s*→/.test(rest[0])) return [text];
  return [el("details", {class: "advice"}, el("summary", {text: first}),
    el("p", {text: rest.map(function (line) { return line.replace(/^\s*→\s*/, ""); }).join("\n")}))];
}

// The status line speaks of the view it was said on: another view starts with it empty (route), or with
// what the step that led there has to say, given here (an article made, a version restored).
function go(hash, text) {
  Desk.told = text || "";
  if (location.hash === hash) route();
  else location.hash = hash;
}

function field(label, input, hint) {
  const id = input.id || ("f-" + Math.random().toString(36).slice(2));
  input.id = id;
  return el("div", {class: "field"}, el("label", {for: id, text: label}), input, hint ? el("small", {text: hint}) : null);
}

// The site's 栏目; one the file names that the site has not stays chosen (saving it says what is wrong).
function sectionSelect(selected, name) {
  const names = Desk.sections.includes(selected) || !selected ? Desk.sections : Desk.sections.concat([selected]);
  return el("select", {name: name || "section"}, names.map(function (s) {
    return el("option", {value: s, selected: s === selected, text: Desk.sections.includes(s) ? s : s + "（不是本站的栏目）"});
  }));
}

// A modal dialog: fills the page's <dialog>, resolves with the button's value ("" when closed).
function ask(title, body, buttons) {
  const dialog = document.getElementById("dialog");
  document.getElementById("dialog-title").textContent = title;
  fill(document.getElementById("dialog-body"), ...[].concat(body));
  fill(document.getElementById("dialog-actions"), ...buttons.map(function (b) {
    return el("button", {value: b.value, class: b.primary ? "primary" : "", formnovalidate: b.value === "", text: b.label});
  }));
  return new Promise(function (resolve) {
    dialog.addEventListener("close", function () { resolve(dialog.returnValue); }, {once: true});
    dialog.returnValue = "";
    dialog.showModal();
    const alert = dialog.querySelector("[role=alert]:not([hidden])");   // (askUntil's reason, above a long form)
    if (alert) alert.scrollIntoView({block: "nearest"});
  });
}

// A dialog asked again until `attempt` (returning what went wrong, or "" when done) succeeds or it is cancelled:
// what went wrong shows above its fields, where the editor is looking (the page's status line may be
// scrolled out of view, on a phone it always is), and what they typed or chose stays.
async function askUntil(title, body, buttons, attempt) {
  const problem = el("p", {class: "error", role: "alert", hidden: true});
  for (;;) {
    if (await ask(title, [problem].concat(body), buttons) !== "ok") return false;
    problem.hidden = true;
    const error = await attempt();
    if (!error) return true;
    problem.textContent = error;
    problem.hidden = false;
  }
}

function articleLink(path, line, text) {
  return el("a", {href: "#/edit/" + path + (line ? "?line=" + line : ""), text: text});
}

// --- jobs ----------------------------------------------------------------------------------------

const JOB_NAMES = {build: "生成网站", proof: "出校样", "deploy-dry": "发布（变更清单）", deploy: "发布", rollback: "回滚",
  "rollback-dry": "回滚（查看会回到哪一版）", import: "导入Word稿"};

async function runJob(kind, payload, panel) {
  panel.hidden = false;
  fill(panel, el("p", {text: JOB_NAMES[kind] + "：排队中…"}));
  const started = await api("POST", "api/jobs", Object.assign({kind: kind}, payload));
  if (!started.ok) {
    fill(panel, el("p", {class: "error", role: "alert", text: started.data.error}));
    return null;
  }
  let job = started.data;
  while (job.state === "queued" || job.state === "running") {
    showJob(panel, job);
    await new Promise(function (r) { setTimeout(r, 400); });
    const polled = await api("GET", "api/jobs/" + job.id);
    if (!polled.ok) break;
    job = polled.data;
  }
  showJob(panel, job);
  return job;
}

function showJob(panel, job) {
  const name = JOB_NAMES[job.kind];
  const running = job.state === "queued" || job.state === "running";
  const nothing = job.state === "done" && job.result && job.result.nothing;   // (回滚 with no earlier release: information)
  const parts = [el("p", {class: job.state === "failed" ? "error" : nothing ? "info" : ""},
    el("strong", {text: name + (running ? "：进行中（" + job.seconds + " 秒）" : nothing ? "：什么都没有改" :
      job.state === "done" ? "：完成" : "：没有成功")}))];
  if (running) {
    parts.push(el("progress", {"aria-label": name + "进度"}));
    if (job.lines.length) parts.push(el("p", {class: "log", text: job.lines[job.lines.length - 1]}));
  }
  parts.push(...resultOf(job));
  if (job.problems.length) {
    parts.push(el("ul", {class: "problems"}, job.problems.map(function (p) {
      return el("li", {class: p.kind || "error"}, p.path ? articleLink(p.path, p.line, p.text) : p.issue ? issueProblem(p) : el("span", {text: p.text}));
    })));
  }
  fill(panel, ...parts);
}

function resultOf(job) {
  const r = job.result || {};
  if (job.state !== "done") return [];
  if (job.kind === "build") {
    return [el("p", {text: r.summary}), el("ul", {}, r.issues.map(function (i) {
      return el("li", {}, i.title + "：", el("a", {href: i.site, target: "_blank", text: "网站"}),
        i.pdf ? ["　", el("a", {href: i.pdf, target: "_blank", text: "PDF"})] : null,
        i.edition ? ["　", el("a", {href: i.edition, target: "_blank", text: "数字报"})] : null);
    }))];
  }
  if (job.kind === "proof") {
    return [el("p", {}, "第" + r.number + "次校样：", el("a", {href: r.pdf, target: "_blank", class: "whole", text: "校样 PDF"}), "　",
      el("a", {href: r.changes, target: "_blank", class: "whole", text: "修改对照"}),
      r.changed.length ? "（改动：" + r.changed.join("、") + "）" : "")];
  }
  if (job.kind === "deploy-dry" && r.unchanged) {   // (files saved since 生成网站: deploy() says so below, and offers to build)
    return [el("p", {role: "status", text: r.newer_count ? "网站上已经是上次生成的版本，没有要发布的变化。" : "网站没有变化，不需要发布。"})];
  }
  if (job.kind === "deploy-dry") {
    return [el("p", {text: "将上传 " + r.counts[0] + " 个文件、删除 " + r.counts[1] + " 个文件到 " + r.target + "。"}),
      el("details", {}, el("summary", {text: "变更清单"}),
        el("ul", {class: "files"}, r.upload.map(function (n) { return el("li", {text: "上传 " + n}); }),
          r.delete.map(function (n) { return el("li", {text: "删除 " + n}); })))];
  }
  if (job.kind === "import") {
    return r.articles.map(function (a) {
      if (a.held) return heldImport(r, a);
      return el("div", {class: "import"}, el("p", {}, articleLink(a.path, null, a.title), "　", el("span", {text: a.summary})),
        el("ul", {}, a.notes.map(function (n) {   // (a note with advice: the advice on request, as on the status line)
          const [first, ...advice] = n.text.split("\n");
          const more = advice.length && /^\s*→/.test(advice[0]);
          return el("li", {}, articleLink(a.path, n.line, more ? first : n.text), more ? noticeNodes("说明\n" + advice.join("\n")) : null);
        })));
    });
  }
  if (r.nothing) return [el("p", {class: "info", role: "status", text: r.summary})];
  return r.summary ? r.summary.split("\n").map(function (line) { return el("p", {text: line}); }) : [];   // (a paragraph a line)
}

// A Word file that may be a new version of a draft (the same file name, or the same title): nothing was
// imported, and the editor chooses. 替换 imports it again in place of that draft (whose text stays in
// 历史版本), after saying so; 另存为新稿 imports it as a draft of its own. Both send the file the server
// kept (its staged token) with the section of the first import.
function heldImport(r, a) {
  const card = '.issue[data-issue="' + r.issue + '"] .job';
  async function again(choice) {
    if (choice.replace) {
      const sure = await ask("替换草稿", [el("p", {text: "用 " + a.source + " 替换草稿“" + a.title + "”（" + a.path + "）？"}),
        el("p", {text: "草稿现在的文本会留在它的历史版本里，可以恢复。"})],
      [{label: "取消", value: ""}, {label: "替换", value: "ok", primary: true}]);
      if (sure !== "ok") return;
    }
    const done = await runJob("import", Object.assign({issue: r.issue, section: r.section, staged: [a.staged]}, choice),
      document.querySelector(card));
    if (done && done.state === "done") await boardKeeping(card);
  }
  return el("div", {class: "import held", role: "group", "aria-label": a.source},
    el("p", {}, el("span", {text: a.summary}), "　", articleLink(a.path, null, "打开那篇草稿")),
    el("p", {class: "hint", text: a.hint}),
    el("div", {class: "actions"},
      el("button", {type: "button", class: "primary", text: "替换原来的草稿", onclick: function () { again({replace: true}); }}),
      el("button", {type: "button", text: "另存为新稿", onclick: function () { again({separate: true}); }})));
}

// --- the board -----------------------------------------------------------------------------------

Desk.views.board = async function (main) {
  const loaded = await api("GET", "api/board");
  if (!loaded.ok) {
    fill(main, el("p", {class: "error", role: "alert", text: loaded.data.error}));
    return;
  }
  Desk.board = loaded.data;
  Desk.sections = loaded.data.sections;
  const jobs = el("div", {class: "job", id: "site-job", "aria-live": "polite", hidden: true});
  const publish = el("div", {class: "job", id: "publish-job", "aria-live": "polite", hidden: true});
  fill(main,
    el("div", {class: "toolbar"},
      el("h1", {text: "稿件看板"}),
      el("button", {type: "button", onclick: newIssue, text: "新建一期"}),
      el("button", {type: "button", class: "primary", text: "生成网站",
        onclick: async function () { if (await runJob("build", {}, jobs)) await boardKeeping("#site-job"); }}),
      Desk.may["发布"] ? el("button", {type: "button", text: "发布", onclick: function () { deploy(publish); }}) : null,
      Desk.may["发布"] ? el("button", {type: "button", class: "quiet", text: "回滚", onclick: function () { rollback(publish); }}) : null,
      Desk.deletedButton ? Desk.deletedButton() : null),
    jobs, publish,
    ...(loaded.data.issues.length ? loaded.data.issues.map(issueCard) : [el("p", {text: "还没有哪一期。先点“新建一期”。"})]));
};

// The board again (a job changed what it shows: 已生成, the articles imported), the job's report kept in its panel.
async function boardKeeping(selector) {
  const keep = [...document.querySelector(selector).childNodes];
  await Desk.views.board(document.getElementById("main"));
  const again = document.querySelector(selector);
  again.hidden = false;
  fill(again, ...keep);
}

function issueCard(issue) {
  const panel = el("div", {class: "job", "aria-live": "polite", hidden: !issue.proof});
  if (issue.proof) {   // (the last 出校样's links, until the next job of this issue reports in their place)
    fill(panel, el("p", {}, "最近一次校样（第" + issue.proof.number + "次）：", el("a", {href: issue.proof.pdf, target: "_blank", class: "whole", text: "校样 PDF"}),
      issue.proof.changes ? ["　", el("a", {href: issue.proof.changes, target: "_blank", class: "whole", text: "修改对照"})] : null));
  }
  const lists = Desk.sections.map(function (name) {
    const group = issue.groups.find(function (g) { return g.section === name; }) || {articles: []};
    return el("section", {class: "group"}, el("h3", {text: name}),
      el("ol", {class: "articles", "data-section": name, "data-issue": issue.id, ondragover: dragOver, ondrop: dropArticle},
        group.articles.map(function (a) { return articleRow(issue, a); })));
  });
  const strays = issue.groups.find(function (g) { return g.section === ""; });
  const card = el("section", {class: "issue", "aria-labelledby": "issue-" + issue.id, "data-issue": issue.id},
    el("div", {class: "issue-head"},
      el("h2", {id: "issue-" + issue.id}, issue.title, el("small", {text: "　" + issue.id + "　" + issue.date + (issue.draft ? "　筹备中" : "")})),
      el("div", {class: "actions"},
        el("button", {type: "button", text: "新建文章", onclick: function () { newArticle(issue.id); }}),
        el("button", {type: "button", text: "刊期设置", onclick: function () { issueSettings(issue.id); }}),
        el("button", {type: "button", text: "导入Word稿", onclick: function () { importWord(issue.id, null, panel); }}),
        el("button", {type: "button", text: "出校样", onclick: function () { runJob("proof", {issue: issue.id}, panel); }}))),
    issue.problem ? el("p", {class: "error", text: issue.problem}) : null,
    panel, lists,
    strays ? el("section", {class: "group"}, el("h3", {text: "栏目有误"}),
      el("ul", {class: "articles"}, strays.articles.map(function (a) { return articleRow(issue, a); }))) : null,
    el("p", {class: "drop-hint", text: "可以把 Word 稿（.docx）拖到这一期上导入。"}));
  card.addEventListener("dragover", function (event) {
    if (event.dataTransfer.types.includes("Files")) { event.preventDefault(); card.classList.add("dropping"); }
  });
  card.addEventListener("dragleave", function () { card.classList.remove("dropping"); });
  card.addEventListener("drop", function (event) {
    card.classList.remove("dropping");
    if (!event.dataTransfer.files.length) return;
    event.preventDefault();
    importWord(issue.id, event.dataTransfer.files, panel);
  });
  return card;
}

function articleRow(issue, a) {
  const row = el("li", {class: "article", draggable: "true", "data-path": a.path,
    ondragstart: function (event) { event.dataTransfer.setData("text/x-desk-article", a.path); row.classList.add("dragging"); },
    ondragend: function () { row.classList.remove("dragging"); }},
  el("a", {href: "#/edit/" + a.path, class: "title", text: a.title}),
  a.headline ? el("span", {class: "badge headline", text: "头条"}) : null,
  el("span", {class: "badge state-" + a.state, title: stateNote(a) || null,
    text: a.state + (a.steps.length ? "（" + a.steps.join("→") + "）" : "")}),
  a.built ? el("span", {class: "badge built", title: "上次生成网站时已生成它的网页；点“发布”才会上网", text: "已生成"}) : null,
  a.problem ? el("span", {class: "badge error", title: a.problem, text: "有错误"}) : null,
  el("span", {class: "move"},
    el("button", {type: "button", class: "icon", "aria-label": "上移：" + a.title, text: "↑", onclick: function () { move(row, -1); }}),
    el("button", {type: "button", class: "icon", "aria-label": "下移：" + a.title, text: "↓", onclick: function () { move(row, 1); }})));
  return row;
}

// Why an article is in its state, in a sentence (the badge's tooltip, and the editor's review bar).
function stateNote(a) {
  if (a.reset) {
    return (a.reset.by ? a.reset.by + " 于 " + a.reset.at + " 改了内容"
      : "文件在编辑部以外被改过（" + (a.reset.at ? a.reset.at + "，" : "") + "或换成了新的文章）") +
      "，之前的" + a.reset.steps.join("、") + "作废，要从初审重新审" +
      (a.draft ? "" : "。它不是草稿：下次生成网站时仍会发布改过的内容；要先重审，就点“退回”");
  }
  if (a.state === "未经三审") return "草稿已取消，但没有终审记录：下次生成网站时会发布";
  return "";
}

function dragOver(event) {
  if (!event.dataTransfer.types.includes("text/x-desk-article")) return;
  event.preventDefault();
  const list = event.currentTarget;
  const dragging = document.querySelector(".article.dragging");
  if (!dragging || dragging.closest(".issue") !== list.closest(".issue")) return;
  const after = [...list.querySelectorAll(".article:not(.dragging)")].find(function (li) {
    const box = li.getBoundingClientRect();
    return event.clientY < box.top + box.height / 2;
  });
  list.insertBefore(dragging, after || null);
}

function dropArticle(event) {
  if (!event.dataTransfer.types.includes("text/x-desk-article")) return;
  event.preventDefault();
  saveLayout(event.currentTarget.dataset.issue);
}

// 上移/下移: within the 栏目, and past its first or last place into the neighbouring 栏目.
function move(row, step) {
  const list = row.parentElement;
  const lists = [...row.closest(".issue").querySelectorAll("ol.articles")];
  const sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
  const button = document.activeElement;
  if (sibling) {
    list.insertBefore(row, step < 0 ? sibling : sibling.nextElementSibling);
  } else {
    const next = lists[lists.indexOf(list) + step];
    if (!next) return;
    next.insertBefore(row, step < 0 ? null : next.firstElementChild);
  }
  if (button && row.contains(button)) button.focus();   // (moving the row took the focus from its button)
  saveLayout(list.dataset.issue);
}

// The order on the page, written as 栏目 and 排序 of the articles that moved; the page already shows it.
async function saveLayout(issueId) {
  const card = document.querySelector('.issue[data-issue="' + issueId + '"]');
  const layout = [...card.querySelectorAll("ol.articles")].map(function (list) {
    return {section: list.dataset.section, articles: [...list.querySelectorAll(".article")].map(function (li) { return li.dataset.path; })};
  });
  say("正在保存顺序…");
  const saved = await api("POST", "api/arrange", {issue: issueId, layout: layout});
  say(saved.ok ? "顺序已保存" : saved.data.error, !saved.ok);
  if (!saved.ok) await Desk.views.board(document.getElementById("main"));   // (back to the order on disk)
}

// --- forms ---------------------------------------------------------------------------------------

async function newArticle(issueId) {
  const title = el("input", {name: "title", required: true});
  const section = sectionSelect(Desk.sections[0]);
  const issue = el("select", {name: "issue"}, Desk.board.issues.map(function (i) {
    return el("option", {value: i.id, selected: i.id === issueId, text: i.title + "（" + i.id + "）"});
  }));
  const body = [field("标题", title), field("栏目", section), field("期", issue)];
  let made;
  const done = await askUntil("新建文章", body, [{label: "取消", value: ""}, {label: "建立", value: "ok", primary: true}],
    async function () {
      made = await api("POST", "api/articles", {issue: issue.value, section: section.value, title: title.value});
      return made.ok ? "" : made.data.error;
    });
  if (!done) return;
  go("#/edit/" + made.data.path, made.data.notices.join("\n"));   // (an article of the same title: named, the advice on request)
}

async function importWord(issueId, files, panel) {
  const input = el("input", {type: "file", name: "files", multiple: true, required: true, accept: ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"});
  if (files) input.files = files;
  const section = sectionSelect(Desk.sections[0]);
  const replace = el("input", {type: "checkbox", name: "replace"});
  const body = [field("Word 稿（.docx，可多选）", input), field("栏目", section),
    el("label", {class: "check"}, replace, "替换以前导入的草稿（同一篇稿子的新版本：文件、文件名或标题相同）")];
  if (await ask("导入Word稿", body, [{label: "取消", value: ""}, {label: "导入", value: "ok", primary: true}]) !== "ok") return;
  // Each file is uploaded on its own: one the desk refuses (not a .docx, too large) is listed with its
  // reason in the same report, and the others are imported all the same.
  const staged = [], refused = [];
  panel.hidden = false;
  for (const file of input.files) {
    fill(panel, el("p", {text: "上传 " + file.name + " …"}));
    const sent = await api("POST", "api/upload?kind=docx&name=" + encodeURIComponent(file.name), undefined, file);
    if (sent.ok) staged.push(sent.data.staged);
    else refused.push(file.name + "：" + (sent.data.error || "上传没有成功"));
  }
  const refusedReport = () => refused.length ? el("div", {class: "refused"},
    el("p", {class: "error", role: "alert", text: "没有导入的文件（" + refused.length + " 个）："}),
    el("ul", {class: "problems"}, refused.map((text) => el("li", {class: "error", text: text})))) : null;
  if (!staged.length) { fill(panel, refusedReport()); return; }
  const job = await runJob("import", {issue: issueId, section: section.value, staged: staged, replace: replace.checked}, panel);
  if (refused.length) panel.append(refusedReport());
  if (job && job.state === "done") await boardKeeping('.issue[data-issue="' + issueId + '"] .job');
}

// --- start ---------------------------------------------------------------------------------------

async function route() {
  const main = document.getElementById("main");
  const hash = decodeURIComponent(location.hash.slice(1) || "/");
  const match = hash.match(/^\/(edit|history)\/([^?]+)(?:\?line=(\d+))?$/);
  const told = Desk.told;
  Desk.told = "";
  if (Desk.leave && !Desk.leave()) {   // (staying: the address goes back to the page still shown)
    history.replaceState(null, "", Desk.shown || "#/");
    return;
  }
  Desk.leave = null;
  say(told);   // (not the 顺序已保存 or the error of the view left)
  Desk.shown = location.hash || "#/";
  if (match) await Desk.views[match[1]](main, match[2], match[3] ? Number(match[3]) : null);
  else await Desk.views.board(main);
}

async function start() {
  const session = await api("GET", "api/session");
  if (!session.ok) return;
  Object.assign(Desk, {token: session.data.token, user: session.data.user, role: session.data.role, may: session.data.may});
  document.getElementById("who").textContent = session.data.user + "（" + session.data.role + "）";
  const logout = document.getElementById("logout");
  logout.hidden = !session.data.login;
  logout.addEventListener("click", async function () { await api("POST", "api/logout", {}); location.href = "login"; });
  addEventListener("hashchange", route);
  const board = await api("GET", "api/board");
  if (board.ok) Desk.sections = board.data.sections;
  route();
}

document.addEventListener("DOMContentLoaded", start);
