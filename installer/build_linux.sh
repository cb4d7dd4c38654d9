#!/usr/bin/env bash
# Build the Linux one-folder bundle and its tarball.
#
#   installer/build_linux.sh            # -> installer/dist/retention-desk-<version>-linux-<arch>.tar.gz
#
# Needs: the project installed (pip install .) and PyInstaller (pip install pyinstaller).
# The tarball unpacks to retention-desk/ (runnable from any folder: ./retention-desk/retention-desk),
# with retention-desk.desktop, retention-desk.png and install-desktop-entry.sh beside the program.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="$here/dist"
work="$here/build"
cd "$root"

version=$(python -c "import retention_desk; print(retention_desk.__version__)")
arch=$(uname -m)
start=$(date +%s)
rm -rf "$dist"  # a tarball of an earlier version must not be taken for this one
python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" "$here/retention_desk.spec"
bundle="$dist/retention-desk"

# Debug symbols are not needed by users (40 MB). PyInstaller's own strip option strips every
# library, and numpy's OpenBLAS (numpy.libs/) then fails to load ("ELF load command
# address/offset not page-aligned"), so the libraries are stripped here, that folder left out.
if command -v strip >/dev/null 2>&1; then
    find "$bundle/_internal" -type f -name '*.so*' ! -path '*/numpy.libs/*' \
        -exec strip {} + 2>/dev/null || true
fi

# Desktop integration files travel inside the folder; install-desktop-entry.sh writes the
# menu entry with this folder's absolute path (a .desktop file cannot use a relative Exec).
cp "$here/retention-desk.png" "$bundle/retention-desk.png"
cp "$here/retention-desk.desktop" "$bundle/retention-desk.desktop"
cp "$here/install-desktop-entry.sh" "$bundle/install-desktop-entry.sh"
chmod +x "$bundle/install-desktop-entry.sh" "$bundle/retention-desk"

tarball="$dist/retention-desk-$version-linux-$arch.tar.gz"
tar -C "$dist" -czf "$tarball" retention-desk
end=$(date +%s)
echo "build_linux: bundle $bundle ($(du -sh "$bundle" | cut -f1)), tarball $(du -h "$tarball" | cut -f1)"
echo "build_linux: built in $((end - start)) s"
