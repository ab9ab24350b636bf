#!/bin/sh
# Print the path of a working Python interpreter of the wanted version (e.g. 3.10), or
# nothing and exit 1. Looks on PATH first, then in pyenv's and the system's usual places,
# because a pyenv shim can exist on PATH without the version being active.
want="$1"
for candidate in "python$want" \
    "$(pyenv root 2>/dev/null)"/versions/"$want".*/bin/python"$want" \
    "$HOME"/.pyenv/versions/"$want".*/bin/python"$want" \
    /usr/local/bin/python"$want" /usr/bin/python"$want"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$want'.split('.')))" 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
exit 1
