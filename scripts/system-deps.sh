#!/bin/sh
# System packages the tests need: Debian's chromium (browser tests) and libfribidi0 (RTL text
# in PNG cards). Installed when missing and we can (root with apt-get); otherwise the tests
# that need them skip, or fail under CI=true.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
# Fonts for the browser screenshots (CJK and colour emoji), not for the tests' verdicts.
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$missing fonts-noto-cjk"
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$missing fonts-noto-color-emoji"
ldconfig -p 2>/dev/null | grep -q 'libfribidi\.so\.0' || missing="$missing libfribidi0"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "warning: missing system packages:$missing (install them to run every test)" >&2
fi
exit 0
