#!/bin/bash
# The build after an editing session, at two commits: the sample built, a build into another folder (as
# the preview builds its drafts on every save), one article edited, built again; prints the files the
# last build wrote and its seconds.   bench/after_preview.sh BEFORE_COMMIT [AFTER_COMMIT]
set -e
repo=$(cd "$(dirname "$0")/.." && pwd)
for rev in "${1:?a commit to compare with}" "${2:-HEAD}"; do
  d=$(mktemp -d); git -C "$repo" worktree add -q --detach "$d/p" "$rev"
  cd "$d/p"; ln -s "$repo/.venv" .venv
  .venv/bin/python build.py build --no-pdf > /dev/null 2>&1
  .venv/bin/python build.py build --no-pdf --output "$d/elsewhere" > /dev/null 2>&1
  f=$(ls content/*/*.md | head -3 | tail -1); printf '\n又一句话。\n' >> "$f"
  /usr/bin/time -f "%e s wall" .venv/bin/python build.py build --no-pdf 2>&1 | grep -E "已生成|built|wall" | tail -2 | sed "s/^/$rev: /"
  cd "$repo"; git worktree remove --force "$d/p"; rm -rf "$d"
done
