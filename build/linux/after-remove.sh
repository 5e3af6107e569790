#!/bin/bash
# After-remove script of the Sesame deb and rpm (electron-builder `deb.afterRemove`,
# `rpm.afterRemove`); undoes build/linux/after-install.sh. electron-builder fills in the macros
# ${sanitizedProductName} and ${executable} before packing.
#
# An rpm upgrade runs the new package's after-install before the old one's after-remove: with $1
# (the count of installed versions left) above 0 this is an upgrade, and nothing is removed.
# dpkg passes "upgrade" instead.
case "$1" in
  upgrade | [1-9]*) exit 0 ;;
esac

cli='/opt/${sanitizedProductName}/resources/bin/sesame'
if [ -L /usr/bin/sesame ] && [ "$(readlink /usr/bin/sesame)" = "$cli" ]; then
  rm -f /usr/bin/sesame
fi

profile='/etc/apparmor.d/${executable}'
if [ -f "$profile" ]; then
  if [ -d /sys/kernel/security/apparmor ] && command -v apparmor_parser >/dev/null 2>&1 &&
    ! { command -v ischroot >/dev/null 2>&1 && ischroot; }; then
    apparmor_parser --remove "$profile" >/dev/null 2>&1 || true
  fi
  rm -f "$profile"
fi

command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
exit 0
