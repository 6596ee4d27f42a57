"""Serve an app factory with uvicorn under cProfile (CPU time of the main thread) and write the profile on
SIGTERM (the fan-out benchmark's ``--profile``):
``python bench/profiled_uvicorn.py OUT.pstats pkg.main:create_app PORT``.

``python -m cProfile -m uvicorn`` writes nothing: after a graceful shutdown uvicorn raises the captured SIGTERM again,
and the default handler ends the process before cProfile saves. Here that second signal raises ``SystemExit``.
"""

import cProfile
import signal
import sys
import time

import uvicorn


def main() -> None:
    out, app, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = uvicorn.Server(uvicorn.Config(app, factory=True, host="127.0.0.1", port=port, access_log=False))
    profile = cProfile.Profile(time.process_time)  # CPU time: the machine is shared, wall time would mislead
    profile.enable()
    try:
        server.run()
    finally:
        profile.disable()
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
