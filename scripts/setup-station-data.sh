#!/usr/bin/env bash
# Sets up the environmental experiment's station data (Docs/station-data.md §2): downloads Debian's r-cran-fields
# package, extracts COmonthlyMet.rda, checks the sha256 values of Docs/station-data.md §2.2 (a mismatch is a warning
# recorded in the manifest, not a failure) and converts the objects into the local format of
# Docs/station-data-format.md with the Swift converter `station-data` (no R, no Python).
#
#   scripts/setup-station-data.sh [DEST] [--force]
#
#   DEST      output directory (default: data/stations in the repository; a relative DEST is taken from the
#             current directory); the package and the extracted .rda are kept in DEST/source
#   --force   convert again even when DEST already holds a complete, verified data set
#
# Environment: STATION_DATA_BIN (a built station-data executable; default: built here with `swift build`),
# SWIFT_BUILD_FLAGS (extra flags for that build, e.g. "-c release"), STATION_DATA_EXPECTED_DEB_SHA256 and
# STATION_DATA_EXPECTED_RDA_SHA256 (override the expected checksums of Docs/station-data.md §2.2).
# Needs apt-get and dpkg (run as root, as here and in CI). Idempotent: a complete data set is left alone.
set -euo pipefail
CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

PACKAGE=r-cran-fields
RDA_IN_PACKAGE=usr/lib/R/site-library/fields/data/COmonthlyMet.rda
# Docs/station-data.md §2.2, Debian 12 (bookworm), r-cran-fields 14.1-1.
# STATION_DATA_EXPECTED_DEB_SHA256 / _RDA_SHA256 override them (another Debian release, or to see the warning).
EXPECTED_DEB_SHA256="${STATION_DATA_EXPECTED_DEB_SHA256:-a253c5ab476199c4682a8579f46d4070858b32b4e132113904dfefb671bfc671}"
EXPECTED_RDA_SHA256="${STATION_DATA_EXPECTED_RDA_SHA256:-5bcdd004aa8db0430fac663e992af2e33dbf63e72c3f206f999866e3f4c346e5}"

DEST=data/stations
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "setup-station-data: unknown option $arg" >&2; exit 2 ;;
    /*) DEST="$arg" ;;
    *) DEST="$CALLER_DIR/$arg" ;;   # a DEST given on the command line is relative to the caller's directory
  esac
done
say() { echo "setup-station-data: $*"; }
die() { echo "setup-station-data: error: $*" >&2; exit 1; }

# 1. The converter.
if [ -n "${STATION_DATA_BIN:-}" ]; then
  BIN="$STATION_DATA_BIN"
else
  say "building the converter (swift build --product station-data ${SWIFT_BUILD_FLAGS:-})"
  # shellcheck disable=SC2086
  swift build --product station-data ${SWIFT_BUILD_FLAGS:-} >/dev/null || die "swift build --product station-data failed"
  # shellcheck disable=SC2086
  BIN="$(swift build --show-bin-path ${SWIFT_BUILD_FLAGS:-})/station-data"
fi
[ -x "$BIN" ] || die "no converter at $BIN"

# 2. Nothing to do when the converted data set is complete.
if [ "$FORCE" = 0 ] && [ -f "$DEST/manifest.json" ] && "$BIN" verify "$DEST" >/dev/null 2>&1; then
  say "up to date, nothing to do: $("$BIN" verify "$DEST" | sed 's/^station-data: //') (--force converts again)"
  exit 0
fi

# 3. The Debian package (kept in DEST/source; downloaded into a temporary directory, then moved).
SOURCE="$DEST/source"
mkdir -p "$SOURCE"
DEB="$(ls "$SOURCE"/${PACKAGE}_*.deb 2>/dev/null | head -n 1 || true)"
if [ -z "$DEB" ]; then
  command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian's apt to fetch $PACKAGE"
  TMP_DOWNLOAD="$(mktemp -d "$SOURCE/.download.XXXXXX")"
  trap 'rm -rf "$TMP_DOWNLOAD"' EXIT
  say "downloading $PACKAGE with apt-get download"
  # Run as root in a directory the _apt user cannot write, apt prints "Download is performed unsandboxed as
  # root"; that warning is harmless.
  if ! (cd "$TMP_DOWNLOAD" && apt-get download "$PACKAGE" 2>&1 | grep -v 'unsandboxed as root' || true) \
      || ! ls "$TMP_DOWNLOAD"/${PACKAGE}_*.deb >/dev/null 2>&1; then
    say "apt-get download failed; running apt-get update and trying again"
    apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    (cd "$TMP_DOWNLOAD" && apt-get download "$PACKAGE" 2>&1 | grep -v 'unsandboxed as root' || true)
  fi
  DOWNLOADED="$(ls "$TMP_DOWNLOAD"/${PACKAGE}_*.deb 2>/dev/null | head -n 1 || true)"
  [ -n "$DOWNLOADED" ] || die "apt-get download $PACKAGE produced no .deb"
  DEB="$SOURCE/$(basename "$DOWNLOADED")"
  mv "$DOWNLOADED" "$DEB"
  rm -rf "$TMP_DOWNLOAD"
  trap - EXIT
else
  say "using the downloaded package $DEB"
fi
VERSION="$(dpkg-deb -f "$DEB" Version 2>/dev/null || echo unknown)"

# 4. Extract COmonthlyMet.rda (into a temporary directory; the copy is renamed into place).
RDA="$SOURCE/COmonthlyMet.rda"
TMP_EXTRACT="$(mktemp -d "$SOURCE/.extract.XXXXXX")"
trap 'rm -rf "$TMP_EXTRACT"' EXIT
dpkg -x "$DEB" "$TMP_EXTRACT" || die "dpkg -x $DEB failed (corrupt download? delete $SOURCE and run again)"
[ -f "$TMP_EXTRACT/$RDA_IN_PACKAGE" ] || die "$DEB holds no $RDA_IN_PACKAGE"
cp "$TMP_EXTRACT/$RDA_IN_PACKAGE" "$RDA.tmp" && mv "$RDA.tmp" "$RDA"
rm -rf "$TMP_EXTRACT"
trap - EXIT

# 5. Checksums against Docs/station-data.md §2.2: a mismatch is a recorded warning, not a failure.
DEB_SHA256="$(sha256sum "$DEB" | cut -d' ' -f1)"
RDA_SHA256="$(sha256sum "$RDA" | cut -d' ' -f1)"
WARNINGS=()
if [ "$DEB_SHA256" != "$EXPECTED_DEB_SHA256" ]; then
  WARNINGS+=("sha256 of $(basename "$DEB") (version $VERSION) is $DEB_SHA256, Docs/station-data.md §2.2 expects $EXPECTED_DEB_SHA256 (r-cran-fields 14.1-1): the Debian package changed")
fi
if [ "$RDA_SHA256" != "$EXPECTED_RDA_SHA256" ]; then
  WARNINGS+=("sha256 of COmonthlyMet.rda is $RDA_SHA256, Docs/station-data.md §2.2 expects $EXPECTED_RDA_SHA256: the data may differ from the counts of Docs/station-data.md §2.4")
fi
say "sha256 $(basename "$DEB") $DEB_SHA256"
say "sha256 COmonthlyMet.rda $RDA_SHA256"
if [ "${#WARNINGS[@]}" = 0 ]; then
  say "both checksums match Docs/station-data.md §2.2"
else
  for w in "${WARNINGS[@]}"; do echo "setup-station-data: WARNING: $w" >&2; done
fi

# 6. Convert (each file written atomically, the manifest last).
ARGS=(convert "$RDA" "$DEST" --package-version "$VERSION" --deb-file "$(basename "$DEB")"
      --deb-sha256 "$DEB_SHA256" --expected-deb-sha256 "$EXPECTED_DEB_SHA256"
      --rda-sha256 "$RDA_SHA256" --expected-rda-sha256 "$EXPECTED_RDA_SHA256")
for w in ${WARNINGS[@]+"${WARNINGS[@]}"}; do ARGS+=(--warning "$w"); done
"$BIN" "${ARGS[@]}"
"$BIN" verify "$DEST"
