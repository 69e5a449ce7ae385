"""Start and stop Tandem's production topology on 127.0.0.1, for tests and benchmarks.

    python ops/topology.py up      # (make topology) everything below, then prints URL and logins
    python ops/topology.py down    # (make topology-down) stops exactly what `up` started
    python ops/topology.py env     # prints the environment of the running topology

Started, each on a free loopback port, with state in .topology/ (pid files, logs, data):
PostgreSQL database ``tandem_topology`` on the machine's cluster (127.0.0.1:5432, as in .ci/run),
redis-server (cache, rate limits, lockout counters, the RQ queue), SeaweedFS (``weed``: an
S3-compatible object store for media and the private files), an SMTP sink (aiosmtpd, mails kept as
a Maildir in .topology/mail), two gunicorn app servers, an RQ worker (django-tasks-rq) with RQ's
scheduler, the periodic reminder sweep, the outbox sweep (``send_outbox --every 5``: mail whose
task could not be queued, retries, mail of a worker that died), and nginx in front (static files, X-Accel-Redirect to the
object store, client addresses). Production settings throughout (lms.settings.production).
Only loopback addresses are used; nothing is reachable from outside the machine.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ.get("TOPOLOGY_DIR", ROOT / ".topology"))
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DATABASE = os.environ.get("TOPOLOGY_DATABASE", "tandem_topology")
PG_URL = os.environ.get("TOPOLOGY_POSTGRES", "postgres://postgres@127.0.0.1:5432")
APP_SERVERS = 2
WORKERS_PER_APP_SERVER = int(os.environ.get("TOPOLOGY_GUNICORN_WORKERS", "2"))
# Passed on to the app servers when set: `make bench-load` (bench/load) switches on its instruments
# (lms/bench_views.py) and lifts the per-person rates that a load test would otherwise hit.
PASSED_THROUGH = ("TANDEM_BENCH", "API_RATE_ANON", "API_RATE_USER", "RATE_BOOKING")
DEBIAN_PACKAGES = {
    "nginx": "/usr/sbin/nginx",
    "redis-server": "/usr/bin/redis-server",
    "postgresql": "/usr/bin/pg_isready",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start on {HOST}:{port}; see {STATE / 'logs'}")


def log(message: str) -> None:
    print(f"topology: {message}", flush=True)


def install_missing_packages() -> None:
    missing = [name for name, path in DEBIAN_PACKAGES.items() if not Path(path).exists()]
    if missing:
        log(f"installing {', '.join(missing)} from Debian")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not (VENV_BIN / "weed").exists() or not (VENV_BIN / "gunicorn").exists():
        raise SystemExit("weed or gunicorn missing: run `make setup` (installs .[site,dev]).")


def start(name: str, argv: list[str], env: dict[str, str]) -> int:
    logs = STATE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{name}.log", "ab") as out:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (STATE / "pids").mkdir(exist_ok=True)
    (STATE / "pids" / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def postgres_ready() -> None:
    if subprocess.run(["pg_isready", "-h", HOST, "-p", "5432", "-q"]).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
        )
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", HOST, "-p", "5432", "-q"]).returncode == 0:
                break
            time.sleep(1)
    exists = subprocess.run(
        [
            "psql",
            f"{PG_URL}/postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True
        )


def redis_argv(ports: dict[str, int]) -> list[str]:
    return [
        "redis-server",
        "--bind",
        HOST,
        "--port",
        str(ports["redis"]),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(STATE),
    ]


def smtp_argv(ports: dict[str, int]) -> list[str]:
    """The SMTP sink (ops/smtp_sink.py): every accepted mail becomes one file in the Maildir
    .topology/mail; addresses listed in .topology/smtp-refusals are refused with the answer there."""
    return [
        sys.executable,
        str(ROOT / "ops" / "smtp_sink.py"),
        f"{HOST}:{ports['smtp']}",
        str(STATE / "mail"),
    ]


def worker_argv() -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "rqworker",
        "default",
        "--job-class",
        "django_tasks_rq.Job",
        "--with-scheduler",
    ]


def outbox_argv() -> list[str]:
    return [sys.executable, "manage.py", "send_outbox", "--every", "5"]


def app_server_argv(ports: dict[str, int], name: str) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "lms.wsgi",
        "--bind",
        f"{HOST}:{ports[name]}",
        "--workers",
        str(WORKERS_PER_APP_SERVER),
        "--timeout",
        "60",
        "--no-control-socket",
        "--graceful-timeout",
        "10",
    ]


def make_environment(ports: dict[str, int]) -> dict[str, str]:
    secrets_file = STATE / "secrets.json"
    if secrets_file.exists():
        keys = json.loads(secrets_file.read_text())
    else:
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "S3_ACCESS_KEY_ID": secrets.token_hex(10),
            "S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
        }
        secrets_file.write_text(json.dumps(keys))
        secrets_file.chmod(0o600)
    site = f"http://{HOST}:{ports['nginx']}"
    return {
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": keys["SECRET_KEY"],
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": site,
        "DATABASE_URL": f"{PG_URL}/{DATABASE}",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://{HOST}:{ports['redis']}/0",
        "TASK_BACKEND": "rq",
        "S3_BUCKET": "tandem-media",
        "S3_PRIVATE_BUCKET": "tandem-private",
        "S3_ENDPOINT_URL": f"http://{HOST}:{ports['s3']}",
        "S3_ACCESS_KEY_ID": keys["S3_ACCESS_KEY_ID"],
        "S3_SECRET_ACCESS_KEY": keys["S3_SECRET_ACCESS_KEY"],
        "S3_MEDIA_DOMAIN": f"{HOST}:{ports['nginx']}/media",
        "S3_MEDIA_PROTOCOL": "http:",
        "FILE_DELIVERY": "x-accel-redirect",
        "STATIC_ROOT": str(STATE / "static"),
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(ports["smtp"]),
        "DEFAULT_FROM_EMAIL": "Tandem <noreply@tandem.test>",
        # Short waits so that the fault tests see retries within seconds (production: defaults).
        "OUTBOX_RETRY_SECONDS": "2",
        "OUTBOX_STALE_SECONDS": "30",
        "TRUSTED_PROXY_COUNT": "1",
        "TRUSTED_PROXIES": HOST,  # nginx, which overwrites X-Forwarded-For
        # Plain HTTP on loopback only: no TLS redirect, no HSTS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "false",
        "REQUIRE_MFA_FOR_STAFF": "false",
        "JITSI_DOMAIN": "meet.topology.invalid",
        "JITSI_APP_ID": "tandem",
        "JITSI_APP_SECRET": keys["SECRET_KEY"][:40],
        **{key: os.environ[key] for key in PASSED_THROUGH if key in os.environ},
    }


def nginx_config(ports: dict[str, int], environment: dict[str, str]) -> str:
    upstreams = "\n".join(
        f"        server {HOST}:{ports[f'app{i}']} max_fails=1 fail_timeout=5s;"
        for i in range(1, APP_SERVERS + 1)
    )
    user = "user root;" if os.geteuid() == 0 else ""
    template = (ROOT / "ops" / "nginx" / "tandem.conf").read_text()
    site = (
        template.replace("@UPSTREAMS@", upstreams)
        .replace("@LISTEN@", f"{HOST}:{ports['nginx']}")
        .replace("@STATIC_ROOT@", environment["STATIC_ROOT"].rstrip("/") + "/")
        .replace("@S3@", f"{HOST}:{ports['s3']}")
        .replace("@MEDIA_BUCKET@", environment["S3_BUCKET"])
    )
    return f"""{user}
worker_processes 2;
pid {STATE}/pids/nginx.pid;
error_log {STATE}/logs/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {STATE}/logs/nginx-access.log;
    client_body_temp_path {STATE}/nginx/body;
    proxy_temp_path {STATE}/nginx/proxy;
    fastcgi_temp_path {STATE}/nginx/fastcgi;
    uwsgi_temp_path {STATE}/nginx/uwsgi;
    scgi_temp_path {STATE}/nginx/scgi;
    sendfile on;
{site}
}}
"""


def manage(environment: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True)


def up() -> None:
    if (STATE / "env.json").exists():
        raise SystemExit(
            "The topology is already up (or was not stopped): `make topology-down` first."
        )
    install_missing_packages()
    for folder in ("pids", "logs", "nginx", "weed", "mail", "static"):
        (STATE / folder).mkdir(parents=True, exist_ok=True)
    for folder in ("tmp", "new", "cur"):  # a Maildir: the sink answers 500 to every mail without
        (STATE / "mail" / folder).mkdir(exist_ok=True)
    ports = {
        name: free_port()
        for name in (
            "nginx",
            "redis",
            "s3",
            "weed_master",
            "weed_master_grpc",
            "weed_volume_grpc",
            "weed_filer_grpc",
            "s3_grpc",
            "s3_iceberg",
            "s3_lance",
            "iam",
            "weed_volume",
            "weed_filer",
            "smtp",
            *(f"app{i}" for i in range(1, APP_SERVERS + 1)),
        )
    }
    (STATE / "ports.json").write_text(json.dumps(ports))
    environment = make_environment(ports)
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}
    }
    full_env = {**base_env, **environment}

    log("PostgreSQL")
    postgres_ready()
    log(f"redis-server on {ports['redis']}")
    start("redis", redis_argv(ports), full_env)
    log(f"SeaweedFS S3 on {ports['s3']}")
    (STATE / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tandem",
                        "credentials": [
                            {
                                "accessKey": environment["S3_ACCESS_KEY_ID"],
                                "secretKey": environment["S3_SECRET_ACCESS_KEY"],
                            }
                        ],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    start(
        "weed",
        [
            str(VENV_BIN / "weed"),
            "server",
            "-ip",
            HOST,
            "-ip.bind",
            HOST,
            f"-dir={STATE / 'weed'}",
            f"-master.port={ports['weed_master']}",
            f"-volume.port={ports['weed_volume']}",
            f"-filer.port={ports['weed_filer']}",
            "-master.volumeSizeLimitMB=256",
            "-volume.max=20",
            "-s3",
            f"-s3.port={ports['s3']}",
            f"-master.port.grpc={ports['weed_master_grpc']}",
            f"-volume.port.grpc={ports['weed_volume_grpc']}",
            f"-filer.port.grpc={ports['weed_filer_grpc']}",
            f"-s3.port.grpc={ports['s3_grpc']}",
            f"-s3.port.iceberg={ports['s3_iceberg']}",
            f"-s3.port.lance={ports['s3_lance']}",
            f"-iam.port={ports['iam']}",
            f"-s3.config={STATE / 's3.json'}",
        ],
        full_env,
    )
    log(f"SMTP sink on {ports['smtp']} (Maildir {STATE / 'mail'})")
    start("smtp", smtp_argv(ports), full_env)
    wait_for_port(ports["redis"], "redis-server")
    wait_for_port(ports["s3"], "SeaweedFS S3", seconds=90)
    wait_for_port(ports["smtp"], "SMTP sink")
    create_buckets(environment)

    log("migrate, static files, demo")
    manage(full_env, "migrate", "--noinput", "-v", "0")
    manage(full_env, "collectstatic", "--noinput", "-v", "0")
    manage(full_env, "seed_demo", "--force")  # the demo organisation, on loopback only

    for i in range(1, APP_SERVERS + 1):
        log(f"gunicorn app server {i} on {ports[f'app{i}']}")
        start(f"app{i}", app_server_argv(ports, f"app{i}"), full_env)
    log("RQ worker (with RQ's scheduler for deferred tasks) and the reminder sweep")
    start("worker", worker_argv(), full_env)
    start("scheduler", [sys.executable, "manage.py", "send_reminders", "--every", "60"], full_env)
    start("outbox", outbox_argv(), full_env)
    for i in range(1, APP_SERVERS + 1):
        wait_for_port(ports[f"app{i}"], f"gunicorn {i}")

    (STATE / "nginx.conf").write_text(nginx_config(ports, environment))
    subprocess.run(
        ["nginx", "-t", "-q", "-c", str(STATE / "nginx.conf"), "-p", str(STATE / "nginx")],
        check=True,
    )
    subprocess.run(
        ["nginx", "-c", str(STATE / "nginx.conf"), "-p", str(STATE / "nginx")], check=True
    )
    wait_for_port(ports["nginx"], "nginx")
    (STATE / "env.json").write_text(json.dumps(environment, indent=2))
    url = environment["SITE_URL"]
    health = healthz(url)
    log(f"/healthz/: {json.dumps(health)}")
    print(f"""
Tandem runs on {url}  (nginx → 2 gunicorn app servers, PostgreSQL, Redis, RQ worker, SeaweedFS S3)
Demo logins: the accounts and password that seed_demo printed above.
Mails arrive in {STATE / "mail"} (Maildir). Logs: {STATE / "logs"}. Stop with `make topology-down`.
""")


def healthz(url: str) -> dict:
    try:
        with urllib.request.urlopen(f"{url}/healthz/", timeout=120) as response:  # noqa: S310 - loopback
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read() or b"{}")


def create_buckets(environment: dict[str, str]) -> None:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=environment["S3_ENDPOINT_URL"],
        aws_access_key_id=environment["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    deadline = time.monotonic() + 60
    for bucket in (environment["S3_BUCKET"], environment["S3_PRIVATE_BUCKET"]):
        while True:
            try:
                client.head_bucket(Bucket=bucket)
                break
            except Exception:  # noqa: BLE001 - not there yet, or the store is still starting
                try:
                    client.create_bucket(Bucket=bucket)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(1)


def down() -> None:
    pids = STATE / "pids"
    if not pids.exists():
        log("nothing to stop")
        return
    nginx_pid = pids / "nginx.pid"
    if nginx_pid.exists():
        subprocess.run(
            ["nginx", "-s", "quit", "-c", str(STATE / "nginx.conf"), "-p", str(STATE / "nginx")],
            check=False,
        )
    for pid_file in sorted(pids.glob("*.pid")):
        if pid_file.name == "nginx.pid":
            continue
        try:
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        except (ProcessLookupError, ValueError, PermissionError):
            pass
    deadline = time.monotonic() + 15
    for pid_file in sorted(pids.glob("*.pid")):
        try:
            pid = int(pid_file.read_text())
        except (ValueError, FileNotFoundError):  # nginx removes its pid file as it quits
            continue
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    database = DATABASE
    if (STATE / "env.json").exists():  # the database this topology was started with
        database = json.loads((STATE / "env.json").read_text())["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(
        ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
        check=False,
    )
    shutil.rmtree(STATE, ignore_errors=True)
    log("stopped; database and state removed")


def print_env() -> None:
    environment = json.loads((STATE / "env.json").read_text())
    for key, value in environment.items():
        print(f"export {key}={value!r}")


def up_or_clean_up() -> None:
    try:
        up()
    except BaseException:
        if not (STATE / "env.json").exists():
            log("start failed: stopping what was started (logs are printed below)")
            for log_file in sorted((STATE / "logs").glob("*.log")):
                print(f"--- {log_file.name}\n{log_file.read_text(errors='replace')[-1500:]}")
            down()
        raise


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up_or_clean_up, "down": down, "env": print_env}[command]()
