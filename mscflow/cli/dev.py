"""``make dev``: the Dagster UI and daemon (``dg dev``) plus a static server for the data folder
(the evidence report and the Data Docs, which the UI links to), stopped together on Ctrl-C.

``dg dev`` runs in its own process group, so on Ctrl-C (or SIGTERM) the whole group gets
SIGTERM (dg shuts its webserver, daemon and code server down), and whatever is still alive
after a grace period gets SIGKILL: no process is left behind.

    python -m mscflow.cli.dev          # MSCFLOW_PORT (default 3000); the data folder on the next port
"""

from __future__ import annotations

import functools
import http.server
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from mscflow.settings import DAGSTER_ENVIRONMENT, PROJECT_ROOT, env, load_settings

GRACE_SECONDS = 20


def _serve_files(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    directory.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a, **k: None  # quiet
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to dg's process group, then SIGKILL to what is left of it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def main() -> int:
    import dagster as dg  # only when it runs: the module itself stays free of Dagster

    from .runner import ensure_dagster_home  # the instance's dagster.yaml, as the CLI writes it

    ensure_dagster_home()
    # create the instance's storages now: the webserver and the daemon starting at once on a
    # fresh DAGSTER_HOME race to create the same SQLite tables ("alembic_version already exists")
    with dg.DagsterInstance.get() as instance:
        instance.get_runs(limit=1)
        instance.get_dynamic_partitions("seed_documents")
        instance.all_instigator_state()
    settings = load_settings()
    port = int(env("MSCFLOW_PORT"))
    files = _serve_files(settings.data_dir, port + 1)
    files_url = f"http://127.0.0.1:{port + 1}"
    bin_dir = Path(sys.executable).parent
    dg = str(bin_dir / "dg") if (bin_dir / "dg").exists() else "dg"
    child_env = {**DAGSTER_ENVIRONMENT, **os.environ, "MSCFLOW_FILES_URL": files_url}
    child_env["PATH"] = f"{bin_dir}{os.pathsep}{child_env.get('PATH', '')}"  # dg runs this venv's dagster
    proc = subprocess.Popen([dg, "dev", "--port", str(port), "--host", "127.0.0.1"], cwd=PROJECT_ROOT,
                            env=child_env, start_new_session=True)
    print(f"Dagster UI: http://127.0.0.1:{port}   evidence report and Data Docs: {files_url}/", flush=True)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started with SIGINT ignored (a background job)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        print("\nstopping dg dev ...", flush=True)
        return 0
    finally:
        _stop(proc)
        files.shutdown()


if __name__ == "__main__":
    sys.exit(main())
