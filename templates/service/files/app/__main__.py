"""Serves the app with gunicorn on $PORT (default {{ port }}): ``python -m app``."""

import os

from gunicorn.app.base import BaseApplication

from app import App, log

DEFAULT_PORT = "{{ port }}"


class Server(BaseApplication):
    """gunicorn with one process (so the metrics are whole) and a pool of threads.

    On SIGTERM gunicorn stops accepting and finishes the requests in flight
    (graceful_timeout); Kubernetes has already taken the pod out of the Service
    by then (the preStop sleep covers the delay).
    """

    def __init__(self, app, port):
        self.app = app
        self.port = port
        super().__init__()

    def load_config(self):
        self.cfg.set("bind", f"0.0.0.0:{self.port}")
        self.cfg.set("workers", 1)
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", int(os.environ.get("THREADS", "8")))
        self.cfg.set("graceful_timeout", 20)
        self.cfg.set("accesslog", None)
        # The root file system is read-only in Kubernetes: no control socket
        # under $HOME; heartbeats in /tmp (an emptyDir).
        self.cfg.set("control_socket_disable", True)
        self.cfg.set("worker_tmp_dir", "/tmp")

    def load(self):
        return self.app


def main():
    port = os.environ.get("PORT", DEFAULT_PORT)
    log("info", f"listening on :{port}")
    Server(App(), port).run()


if __name__ == "__main__":
    main()
