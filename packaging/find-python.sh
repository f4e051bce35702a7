#!/usr/bin/env sh
# Print the path of a Python the station can run on, or say how to get one and exit 2.
#
# Why these versions: MediaPipe 0.10.21 (the last release whose wheel carries the station's
# models) has wheels for CPython 3.9-3.12 only, and the station needs 3.11 or newer (tomllib).
# So 3.11 or 3.12; 3.11 is the one the station is tested and frozen with. The interpreter must
# also be able to make a virtual environment (Debian splits that off into pythonX.Y-venv).
no_venv=""
for c in python3.11 python3.12 python3; do
    p=$(command -v "$c" 2>/dev/null) || continue
    v=$("$p" -c 'import sys; print("%d.%d" % sys.version_info[:2]) if (3, 11) <= sys.version_info[:2] <= (3, 12) else None' 2>/dev/null) || continue
    [ "$v" != "None" ] && [ -n "$v" ] || continue
    if "$p" -c 'import ensurepip, venv' 2>/dev/null; then
        echo "$p"
        exit 0
    fi
    no_venv="$v"
done
if [ -n "$no_venv" ]; then
    echo "find-python: Python $no_venv 无法创建虚拟环境，请运行 sudo apt-get install python$no_venv-venv / Python $no_venv cannot make a virtual environment: run sudo apt-get install python$no_venv-venv" >&2
    exit 2
fi
found=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo "none")
echo "find-python: 需要 Python 3.11 或 3.12（本机 python3 为 $found），旧系统请用打包好的版本（.deb）/ the station needs Python 3.11 or 3.12 (MediaPipe 0.10.21 has no wheels for other versions; python3 here: $found)." >&2
echo "find-python: install one (Ubuntu 22.04: sudo apt-get install python3.11 python3.11-venv), or name it: make run PYTHON=/path/to/python3.11; or use the frozen build, which needs no Python (packaging/README.md)." >&2
exit 2
