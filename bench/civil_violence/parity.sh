#!/usr/bin/env bash
# Statistical parity of Frontline's civil-violence model with Mesa 3.3.1.
#   bench/civil_violence/parity.sh                # 30 seeds, all parameter sets
#   bench/civil_violence/parity.sh --seeds 20 --sets outbursts,heldout --jobs 4
source "$(dirname "$0")/setup.sh"
cd "$HERE" && exec "$PY" parity.py "$@"
