#!/usr/bin/env bash
# Renders every bitmap icon of the packages from the one hand-drawn SVG, and writes them next to it:
#   packaging/icons/png/N.png          hicolor PNGs for Linux (N = 16 32 48 64 128 256)
#   packaging/windows/codeflow-lab.ico the .exe and installer icon (16–256)
#   packaging/windows/nsis-header.bmp  the installer's page header (150×57, BMP3 as NSIS wants)
#   packaging/macos/CodeFlowLab.icns   the app bundle and disk image icon (16–1024)
# The results are committed, so that building needs no SVG renderer on any platform; package.sh checks
# that the committed PNGs still match the SVG. Needs rsvg-convert (librsvg2-bin) and ImageMagick.
#
#   packaging/icons/render-icons.sh           write the files
#   packaging/icons/render-icons.sh --check   exit 1 if a committed PNG no longer matches the SVG
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packaging=$(dirname "$here")
svg=$here/io.codeflowlab.CodeFlowLab.svg
linux_sizes=(16 32 48 64 128 256)

for tool in rsvg-convert convert compare; do
    command -v "$tool" >/dev/null || { echo "render-icons: $tool is missing (apt install librsvg2-bin imagemagick)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() { rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio "$svg" --output "$2"; }

if [[ ${1:-} == --check ]]; then
    stale=0
    for n in "${linux_sizes[@]}"; do
        render "$n" "$tmp/$n.png"
        # Another librsvg may anti-alias a few edge pixels differently: tolerate 1 % of the pixels.
        differing=$(compare -metric AE -fuzz 5% "$here/png/$n.png" "$tmp/$n.png" null: 2>&1 || true)
        if ! [[ $differing =~ ^[0-9]+$ ]] || ((differing * 100 > n * n)); then
            echo "render-icons: png/$n.png does not match the SVG ($differing pixels differ)" >&2
            stale=1
        fi
    done
    ((stale == 0)) || { echo "render-icons: run packaging/icons/render-icons.sh and commit the result" >&2; exit 1; }
    exit 0
fi

mkdir -p "$here/png"
for n in "${linux_sizes[@]}" 512 1024; do render "$n" "$tmp/$n.png"; done
for n in "${linux_sizes[@]}"; do cp "$tmp/$n.png" "$here/png/$n.png"; done

# ImageMagick would stamp dates into its output; strip them so that a re-run changes nothing.
im_flags=(+set date:create +set date:modify -define png:exclude-chunks=date,time)
convert "${im_flags[@]}" "$tmp"/{16,32,48,64,128,256}.png "$packaging/windows/codeflow-lab.ico"
convert "${im_flags[@]}" -size 150x57 xc:white \( "$tmp/256.png" -resize 49x49 \) -geometry +8+4 -composite \
    -type TrueColor "BMP3:$packaging/windows/nsis-header.bmp"

# ICNS is a list of (type, length, PNG) records after an 8-byte header; both lengths are big-endian
# and include their own 8-byte header. Types: Apple's PNG-capable ones for each size.
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
records=$tmp/records
: >"$records"
for entry in icp4:16 icp5:32 icp6:64 ic07:128 ic08:256 ic09:512 ic10:1024; do
    type=${entry%%:*} size=${entry##*:}
    length=$(($(stat -c %s "$tmp/$size.png") + 8))
    { printf %s "$type"; be32 "$length"; cat "$tmp/$size.png"; } >>"$records"
done
{ printf icns; be32 $(($(stat -c %s "$records") + 8)); cat "$records"; } >"$packaging/macos/CodeFlowLab.icns"

echo "render-icons: wrote png/*.png, windows/codeflow-lab.ico, windows/nsis-header.bmp, macos/CodeFlowLab.icns"
