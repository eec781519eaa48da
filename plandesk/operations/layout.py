"""deploy/ as the systemd units run it, on this machine's loopback: for the tests and bench/slow_clients.py.

The site file deploy/nginx/plandesk.conf and deploy/gunicorn.conf.py are used as shipped; only what a test cannot
have is replaced: ports, certificate (a self-signed one), folders, the log files.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from plandesk.operations import proxy

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"


def self_signed(folder: Path, kind: str | None = None) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1: ECDSA P-256 as docs/DEPLOY.md recommends (a handshake costs the server a
    twentieth of an RSA-2048 one), or RSA-2048 with kind="rsa" (PLANDESK_TEST_CERT=rsa)."""
    kind = kind or os.environ.get("PLANDESK_TEST_CERT", "ec")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    if not cert.exists():
        algorithm = ["-newkey", "rsa:2048"] if kind == "rsa" else ["-newkey", "ec", "-pkeyopt",
                                                                    "ec_paramgen_curve:prime256v1"]
        subprocess.run(["openssl", "req", "-x509", *algorithm, "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def site_conf(folder: Path, port: int, upstreams: list[str], static_root: Path) -> str:
    """deploy/nginx/plandesk.conf with its TLS server on 127.0.0.1:port, proxying to `upstreams`."""
    cert, key = self_signed(folder)
    text = (DEPLOY / "nginx" / "plandesk.conf").read_text()
    servers = "\n".join(f"    server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    text = re.sub(r"upstream plandesk \{.*?\n\}", f"upstream plandesk {{\n{servers}\n}}", text, flags=re.S)
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", text, count=1, flags=re.S)  # the http redirect
    text = text.replace("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
                        f"    listen 127.0.0.1:{port} ssl;\n")
    text = text.replace("/etc/ssl/plandesk/fullchain.pem", str(cert)).replace("/etc/ssl/plandesk/privkey.pem", str(key))
    text = text.replace("/var/log/nginx/plandesk.access.log", str(folder / "access.log"))
    text = text.replace("/var/log/nginx/plandesk.error.log", str(folder / "error.log"))
    text = text.replace("/opt/plandesk/var/static/", f"{static_root}/")
    text = text.replace("include /etc/plandesk/nginx-proxy.conf;", f"include {DEPLOY / 'nginx' / 'proxy.conf'};")
    return text


def main_conf(folder: Path, site: Path) -> str:
    """The parts of Debian's /etc/nginx/nginx.conf the site relies on, with this folder for temp files."""
    proxy.prepare(folder)
    user = ""
    if os.geteuid() == 0:
        import pwd

        user = f"user {pwd.getpwuid(os.getuid()).pw_name};"
    temp = folder / "tmp"
    return f"""{user}
daemon off;
worker_processes auto;
worker_rlimit_nofile 8192;
pid {folder / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {site};
}}
"""


def nginx(folder: Path, port: int, upstreams: list[str], static_root: Path, **popen) -> subprocess.Popen:
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "plandesk.conf"
    site.write_text(site_conf(folder, port, upstreams, static_root))
    conf = folder / "nginx.conf"
    conf.write_text(main_conf(folder, site))
    binary = proxy.nginx_binary()
    subprocess.run([binary, "-t", "-q", "-c", str(conf), "-e", "stderr"], check=True, capture_output=True)
    return subprocess.Popen([binary, "-c", str(conf), "-e", "stderr"], **popen)


def gunicorn(upstream: str, env: dict, prometheus_dir: Path, **popen) -> subprocess.Popen:
    prometheus_dir.mkdir(parents=True, exist_ok=True)
    env = {**env, "PLANDESK_UPSTREAM_BIND": upstream, "PROMETHEUS_MULTIPROC_DIR": str(prometheus_dir),
           "DJANGO_SETTINGS_MODULE": "plandesk.settings"}
    binary = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(binary), "-c", str(DEPLOY / "gunicorn.conf.py"), "plandesk.wsgi:application"],
                            env=env, **popen)


def worker(env: dict, **popen) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("plandesk")), "worker"], env=env, **popen)


def production(data_dir: Path, port: int, env: dict, **popen) -> list[subprocess.Popen]:
    """One host as deploy/ describes it: nginx (TLS) on `port`, gunicorn on the next port, the worker."""
    env = {**env, "PLANDESK_TRUSTED_PROXIES": proxy.PROXY_SOURCE, "PLANDESK_DATA_DIR": str(data_dir)}
    (data_dir / "media").mkdir(parents=True, exist_ok=True)
    upstream = f"127.0.0.1:{port + 1}"
    return [gunicorn(upstream, env, data_dir / "prometheus", **popen), worker(env, **popen),
            nginx(data_dir / "nginx", port, [upstream], data_dir / "static", **popen)]
