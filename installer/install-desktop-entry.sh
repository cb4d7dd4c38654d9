#!/bin/sh
# Add Retention Desk to this user's application menu and open .rdesk files with it.
# Run from the unpacked bundle: ./retention-desk/install-desktop-entry.sh
# (--remove takes the entry away again; the bundle, archives and settings are not touched).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mime="${XDG_DATA_HOME:-$HOME/.local/share}/mime"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$apps/retention-desk.desktop" "$icons/retention-desk.png" "$mime/packages/retention-desk.xml"
    echo "Removed the menu entry and the .rdesk association."
    exit 0
fi
mkdir -p "$apps" "$icons" "$mime/packages"
cp "$here/retention-desk.png" "$icons/retention-desk.png"
# a .desktop file needs absolute paths; the bundle's own folder is written in
sed -e "s|^Exec=.*|Exec=\"$here/retention-desk\" --archive %f gui|" \
    -e "s|^Icon=.*|Icon=$here/retention-desk.png|" \
    "$here/retention-desk.desktop" > "$apps/retention-desk.desktop"
cat > "$mime/packages/retention-desk.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-retention-desk-archive">
    <comment>Retention Desk archive</comment>
    <glob pattern="*.rdesk"/>
  </mime-type>
</mime-info>
XML
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$mime" || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
echo "Added Retention Desk to the application menu ($apps/retention-desk.desktop)."
