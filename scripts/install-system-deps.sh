#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build needs when they are missing:
# Pango (WeasyPrint's text layout), CJK fonts (AR PL UKai: the 楷体 of bylines and sources; and the fallbacks for what Noto CJK lacks: Hanazono for
# rare characters of CJK Extensions B-F, Symbola for emoji), HarfBuzz-Subset (fast font subsetting),
# poppler-utils (pdffonts/pdftoppm for checking PDFs), libgs-common (the CMYK profile of press PDFs),
# rsync and openssh-client (build.py deploy).
# Pass extra package names as arguments.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai fonts-hanazono fonts-symbola fontconfig poppler-utils libgs-common rsync openssh-client "$@")

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "系统软件包：这不是 Debian/Ubuntu，请确认已安装：${packages[*]}（system packages: not a Debian/Ubuntu machine）" >&2
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "系统软件包：正在安装 ${missing[*]}（PDF 需要的 Pango、中文字体等；测试需要的浏览器、Java、npm、LibreOffice）"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "系统软件包：缺少 ${missing[*]}；请用 root 运行：apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "系统软件包：安装完成"
