"""`dxgraph serve`: the website + JSON API (gunicorn in production, Flask's dev server otherwise)."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import sys
import tempfile

from knowledge import config
from knowledge.config import Settings

__all__ = ["gunicorn_options", "register", "serve"]


def register(sub) -> None:
    """Add the `serve` command to the subparsers."""
    p = sub.add_parser("serve", help="serve the website and the JSON API")
    p.add_argument("--host", default=config.web_host())
    p.add_argument("--port", type=int, default=config.web_port())
    p.add_argument(
        "--production",
        action="store_true",
        help="gunicorn (preloaded app, several workers) instead of the dev server",
    )
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args, settings: Settings) -> int:
    return serve(settings, args.host, args.port, production=args.production)


def gunicorn_options(host: str, port: int, log_level: str = "INFO") -> dict:
    """A sane gunicorn config for a small machine: one process per core (min 2), a few threads each,
    the app preloaded so the KB and model are read once before forking."""
    from web.logs import gunicorn_logconfig

    cores = os.cpu_count() or 1
    options = {
        "bind": f"{host}:{port}",
        "workers": config.positive_int("DXGRAPH_WEB_WORKERS", max(2, min(cores, 4))),
        "worker_class": "gthread",
        "threads": config.positive_int("DXGRAPH_WEB_THREADS", 4),
        "preload_app": True,
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        "limit_request_line": 8190,
        "accesslog": None,  # the app logs each request as JSON (no query strings, no findings)
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "logconfig_dict": gunicorn_logconfig(log_level),
        "forwarded_allow_ips": config.forwarded_allow_ips(),
        "proc_name": "dxgraph-web",
        "child_exit": _child_exit,
        "post_fork": _post_fork,
        "post_worker_init": _post_worker_init,
        "control_socket_disable": True,  # newer gunicorn: no control socket in $HOME
    }
    if os.path.isdir("/dev/shm"):
        options["worker_tmp_dir"] = "/dev/shm"
    return options


def _post_fork(server, worker) -> None:
    """In each new worker: return freed heap memory to the system every few seconds (web/memory.py)."""
    from web.memory import start_trimmer

    start_trimmer()


def _post_worker_init(worker) -> None:
    """In each worker: stop only when the master says so, and always the graceful way. Ctrl-C reaches the
    whole process group and the master then sends its own SIGQUIT; a second SystemExit raised inside the
    first one's shutdown could leave the thread pool's queue locked and the worker hung until SIGKILL."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, worker.handle_exit)  # finish in-flight requests (each bounded), then exit


def _child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges from the multi-process metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def prepare_for_fork() -> None:
    """In the master, after the app is loaded: move every object into the permanent GC generation, so
    the workers' garbage collections never write to (and so copy) the pages they share with it; two
    malloc arenas per process, and the loading's free heap given back (web/memory.py)."""
    from web.memory import limit_arenas, trim

    gc.collect()
    gc.freeze()
    limit_arenas()
    trim()


def serve(settings: Settings, host: str, port: int, production: bool = False) -> int:
    """Serve until interrupted. Production: gunicorn; otherwise the Flask development server."""
    if not production:
        from web import create_app

        app = create_app(settings)
        print(f"dxgraph: serving http://{host}:{port} (development server)", file=sys.stderr)
        signal.signal(signal.SIGTERM, _stop)  # like Ctrl-C: stop quietly, exit code 0
        with contextlib.suppress(KeyboardInterrupt):
            app.run(host=host, port=port, debug=False, threaded=True, use_reloader=False)
        return 0
    # metrics shared by all workers: the directory must be set before prometheus_client is imported
    metrics_dir = tempfile.mkdtemp(prefix="dxgraph-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    master = os.getpid()
    try:
        return _run_gunicorn(settings, host, port)
    finally:
        if os.getpid() == master:  # a worker leaving unwinds through here too: the directory is shared
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _run_gunicorn(settings: Settings, host: str, port: int) -> int:
    from gunicorn.app.base import BaseApplication

    from web import create_app

    log_level = config.log_level()

    class DxgraphServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in gunicorn_options(host, port, log_level).items():
                if key in self.cfg.settings:  # (settings newer than the installed gunicorn are skipped)
                    self.cfg.set(key, value)

        def load(self):
            app = create_app(settings)
            prepare_for_fork()
            return app

    print(f"dxgraph: serving http://{host}:{port} (gunicorn)", file=sys.stderr)
    DxgraphServer().run()
    return 0
