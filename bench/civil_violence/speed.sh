#!/usr/bin/env bash
# Mesa vs Frontline, civil violence, single-threaded, in one command.
#   bench/civil_violence/speed.sh            # 40x40, 100x100, 200x200 side by side; Frontline at 2000x2000 and 10M agents
#   bench/civil_violence/speed.sh --quick    # side by side only
source "$(dirname "$0")/setup.sh"
cd "$HERE" && exec "$PY" speed.py "$@"
