#!/bin/sh
# Draws php-shim/modules/servers/puqSynology/logo.png (200x50, transparent), the logo WHMCS shows for the
# module. Needs ImageMagick 6 and fonts-dejavu-core (apt-get install imagemagick fonts-dejavu-core).
# Usage: packaging/make-logo.sh [output.png]
set -eu
out=${1:-"$(dirname "$0")/../php-shim/modules/servers/puqSynology/logo.png"}
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
convert=/usr/bin/convert   # the real ImageMagick, not a stand-in earlier on PATH
"$convert" -size 900x200 xc:none \
  -fill '#1f4e79' -draw "roundrectangle 12,20 132,180 14,14" \
  -fill '#ffffff' -draw "roundrectangle 30,42 114,66 4,4" -draw "roundrectangle 30,80 114,104 4,4" \
  -draw "roundrectangle 30,118 114,142 4,4" \
  -fill '#3cb371' -draw "circle 100,162 100,168" \
  -fill '#1f4e79' -draw "rectangle 38,51 90,57" -draw "rectangle 38,89 76,95" -draw "rectangle 38,127 98,133" \
  -font "$font" -pointsize 96 -fill '#333333' -annotate +165+135 'puq' \
  -font "$font" -pointsize 96 -fill '#1f6fb5' -annotate +355+135 'Synology' \
  -trim +repage -resize 192x46 -background none -gravity center -extent 200x50 \
  -depth 8 -strip -define png:exclude-chunks=date,time "$out"
echo "wrote $out"
