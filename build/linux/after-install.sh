#!/bin/bash
# After-install script of the Sesame deb and rpm (electron-builder `deb.afterInstall`,
# `rpm.afterInstall`). electron-builder fills in the two macros before packing:
#   ${sanitizedProductName} -> Sesame (the folder in /opt)   ${executable} -> sesame (the binary)
# Brace-less shell variables only below: electron-builder rejects any other brace macro.
#
# 1. /usr/bin/sesame runs the command line (build/bin/sesame: the app binary with --cli); the
#    window starts from the desktop menu entry, or as /opt/Sesame/sesame.
# 2. Chromium's sandbox: chrome-sandbox is setuid root only where unprivileged user namespaces
#    are unavailable (https://chromium.googlesource.com/chromium/src/+/main/docs/linux/suid_sandbox.md).
# 3. Where AppArmor restricts user namespaces (Ubuntu 24.04 and later), the profile that
#    electron-builder ships in resources/ lets the app use them.
# 4. Menus and icons are refreshed.

app_dir='/opt/${sanitizedProductName}'
app_bin='/opt/${sanitizedProductName}/${executable}'
cli="$app_dir/resources/bin/sesame"

chmod 0755 "$cli" 2>/dev/null || true
ln -sfn "$cli" /usr/bin/sesame

sandbox="$app_dir/chrome-sandbox"
if [ -f "$sandbox" ]; then
  if command -v runuser >/dev/null 2>&1 && runuser -u nobody -- unshare --user true >/dev/null 2>&1; then
    chmod 0755 "$sandbox" || true
  else
    chmod 4755 "$sandbox" || true
  fi
fi

profile_source="$app_dir/resources/apparmor-profile"
profile_target='/etc/apparmor.d/${executable}'
if [ -f "$profile_source" ] && [ -d /etc/apparmor.d ] && command -v apparmor_parser >/dev/null 2>&1; then
  # Install only a profile this AppArmor can parse (the profile needs abi/4.0).
  if apparmor_parser --skip-kernel-load --debug "$profile_source" >/dev/null 2>&1; then
    cp -f "$profile_source" "$profile_target"
    # Load it now, unless in a chroot (an image being built) or AppArmor is off.
    if ! { command -v ischroot >/dev/null 2>&1 && ischroot; } && [ -d /sys/kernel/security/apparmor ]; then
      apparmor_parser --replace --write-cache --skip-read-cache "$profile_target" || true
    fi
  fi
fi

command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
[ -x "$app_bin" ] || echo "Sesame: $app_bin is missing; the package did not install completely" >&2
exit 0
