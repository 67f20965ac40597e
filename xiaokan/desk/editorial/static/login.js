// The login form of the 编辑部: name and password to /api/login, then to the board.
"use strict";
if (globalThis.location && new URLSearchParams(location.search).get("expired")) {   // (sent by a page whose session ended)
  document.getElementById("login-error").textContent = "登录已过期（8 小时没有使用、在别处登录太多次，或预览重新启动过），请重新登录。";
}
document.getElementById("login").addEventListener("submit", async function (event) {
  event.preventDefault();
  const error = document.getElementById("login-error");
  error.textContent = "";
  const response = await fetch("api/login", {
    method: "POST", headers: {"Content-Type": "application/json"}, credentials: "same-origin",
    body: JSON.stringify({name: document.getElementById("name").value, password: document.getElementById("password").value}),
  });
  if (response.ok) {   // (back to the preview page that asked for the login, if one did: on this site only)
    location.href = sameSite(new URLSearchParams(location.search).get("next") || "");
    return;
  }
  const data = await response.json().catch(function () { return {}; });
  error.textContent = data.error || "登录失败";
  document.getElementById("password").select();
});

// next as the browser will read it (it drops tabs and line breaks, so "/\t/evil.example" is "//evil.example"):
// an address of this site, else the board.
function sameSite(next) {
  try {
    const url = new URL(next, location.href);
    return next.startsWith("/") && url.origin === location.origin ? url.href : "./";
  } catch (error) {
    return "./";
  }
}
