"""The production topology on loopback (ops/topology.py): nginx, two gunicorn app servers,
PostgreSQL, Redis, an RQ worker, SeaweedFS S3 and an SMTP sink. Started once for this folder
(about a minute) and stopped afterwards; or, with TOPOLOGY_DIR pointing at a running topology
(`TOPOLOGY_DIR=.topology` after `make topology`), used as it is and left running."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "Tandem-Demo-2026"  # noqa: S105 - lms/demo.py


def load_ops():
    spec = importlib.util.spec_from_file_location("tandem_topology", ROOT / "ops" / "topology.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Topology:
    state: Path
    env: dict[str, str]
    ports: dict[str, int]

    @property
    def url(self) -> str:
        return self.env["SITE_URL"]

    def pid(self, name: str) -> int:
        return int((self.state / "pids" / f"{name}.pid").read_text())

    def session(self) -> requests.Session:
        return requests.Session()

    def login(self, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.url}/accounts/login/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            f"{self.url}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "login": email, "password": password},
            headers={"Referer": f"{self.url}/accounts/login/"},
            timeout=60,
        )
        assert answer.url.endswith("/me/"), f"login of {email} failed: {answer.status_code}"
        return session

    def s3(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )


@pytest.fixture(scope="session")
def topology():
    given = os.environ.get("TOPOLOGY_DIR")
    state = Path(given) if given else ROOT / ".topology-test"
    ops = [sys.executable, str(ROOT / "ops" / "topology.py")]
    environment = {
        **os.environ,
        "TOPOLOGY_DIR": str(state),
        "TOPOLOGY_DATABASE": f"tandem_topology_test_{os.getpid()}",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DATABASE_URL", None)
    started = not given
    if started:
        # Our own folder: whatever an interrupted earlier run left there is stopped first.
        subprocess.run([*ops, "down"], env=environment, check=False, timeout=120)
        shutil.rmtree(state, ignore_errors=True)
        subprocess.run([*ops, "up"], env=environment, check=True, timeout=900)
    yield Topology(
        state=state,
        env=json.loads((state / "env.json").read_text()),
        ports=json.loads((state / "ports.json").read_text()),
    )
    if started:
        subprocess.run([*ops, "down"], env=environment, check=False, timeout=120)
        shutil.rmtree(state, ignore_errors=True)
