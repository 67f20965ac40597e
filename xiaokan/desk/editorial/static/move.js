// 删除, 移到另一期 and 恢复 (moving.py): the article editor's two buttons (Desk.articleActions) and the
// board's list of deleted articles (Desk.deletedButton), hooked in by editor.js and desk.js.
"use strict";

Desk.articleActions = function (article, dirty) {
  const title = (article.fields && article.fields.title) || article.path;
  function unsaved() {
    if (!dirty()) return false;
    say("这篇文章有未保存的修改：先保存，再移动或删除。", true);
    return true;
  }
  return el("span", {class: "article-actions"},
    el("button", {type: "button", text: "移到另一期", onclick: function () { if (!unsaved()) moveArticle(article.path, title); }}),
    el("button", {type: "button", text: "删除", onclick: function () { if (!unsaved()) deleteArticle(article.path, title); }}));
};

async function deleteArticle(path, title) {
  const done = await askUntil("删除文章", [el("p", {text: "确定删除《" + title + "》吗？它和只有它用的图片会一起删掉；" +
      "删除后可以在稿件看板的“已删除的文章”里恢复。"})],
    [{label: "取消", value: ""}, {label: "删除《" + title + "》", value: "ok", primary: true}],
    async function () {
      const sent = await api("POST", "api/delete", {path: path});
      return sent.ok ? "" : sent.data.error;
    });
  if (!done) return;
  Desk.leave = null;
  go("#/", "已删除《" + title + "》（稿件看板上的“已删除的文章”里可以恢复）");
}

async function moveArticle(path, title) {
  const board = await api("GET", "api/board");
  if (!board.ok) { say(board.data.error, true); return; }
  const others = board.data.issues.filter(function (i) { return i.id !== path.split("/")[0]; });
  if (!others.length) { say("还没有别的一期：先在稿件看板上“新建一期”，再移过去。", true); return; }
  const issue = el("select", {name: "issue"}, others.map(function (i) {
    return el("option", {value: i.id, text: i.title + "（" + i.id + "）"});
  }));
  let moved;
  const done = await askUntil("移到另一期", [el("p", {text: "把《" + title + "》连同它的图片移到："}), field("期", issue)],
    [{label: "取消", value: ""}, {label: "移过去", value: "ok", primary: true}],
    async function () {
      moved = await api("POST", "api/move", {path: path, issue: issue.value});
      return moved.ok ? "" : moved.data.error;
    });
  if (!done) return;
  Desk.leave = null;
  go("#/edit/" + moved.data.path, "已把《" + title + "》移到 " + issue.selectedOptions[0].text + "，文件是 " + moved.data.path);
}

Desk.deletedButton = function () {
  return el("button", {type: "button", text: "已删除的文章", onclick: showDeleted});
};

async function showDeleted() {
  const got = await api("GET", "api/deleted");
  if (!got.ok) { say(got.data.error, true); return; }
  const list = got.data.articles;
  const body = list.length ? el("ul", {class: "deleted"}, list.map(function (d, i) {
    return el("li", {}, el("span", {text: "《" + d.title + "》　" + d.path + "　" + d.who + " 删除于 " +
        new Date(d.when * 1000).toLocaleString("zh-CN") + "　"}),
      el("button", {value: "r" + i, text: "恢复", "aria-label": "恢复《" + d.title + "》"}));
  })) : el("p", {text: "没有删除过的文章。"});
  const choice = await ask("已删除的文章", [body], [{label: "关闭", value: ""}]);
  if (!choice) return;
  const d = list[Number(choice.slice(1))];
  const done = await api("POST", "api/undelete", {path: d.path, id: d.id});
  if (!done.ok) { say(done.data.error, true); return; }
  go("#/edit/" + done.data.path, "已恢复《" + d.title + "》" +
    (done.data.path !== d.path ? "（原来的文件名已被占用，存为 " + done.data.path + "）" : "（连同它的图片）"));
}
