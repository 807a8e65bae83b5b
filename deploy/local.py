"""The shared deployment on this machine: PostgreSQL + N Streamlit replicas + nginx, 127.0.0.1 only.

    python deploy/local.py up [N]     # make deploy-local N=2
    python deploy/local.py down       # make deploy-stop
    python deploy/local.py status

`up` (DESIGN §3, shared deployment): starts a PostgreSQL cluster under var/deploy/pg/ with a
dedicated role `ntm_app` owning the database `ntm_atlas`, applies the migrations and seeds it
(`python -m loaders init`), prepares the map geometry (scripts/prepare_static.py), starts N
replicas (deploy/run-replica.sh, each under a small supervisor that restarts it within a second
when it dies, like systemd's Restart=always), starts nginx on http://127.0.0.1:8080/ (the same
site file as a server uses, deploy/nginx/ntm-atlas.conf.in) and writes `var/deploy/env`:

    NTM_DATABASE_URL=postgresql+psycopg://ntm_app:…@127.0.0.1:PORT/ntm_atlas
    NTM_REPLICA_PORTS=8601,8602        (each also reachable directly on 127.0.0.1)
    NTM_DEPLOY_URL=http://127.0.0.1:8080
    … and the PostgreSQL paths used to restart or stop it.

Running `up` again restarts the stack and keeps the database (var/deploy/pg) and the secrets
(var/deploy/secrets). `down` stops everything it started; `down --purge` also deletes the database.
As root, PostgreSQL runs as the `postgres` user (initdb refuses root) and nginx's workers as
`www-data`. Ports: NTM_DEPLOY_PORT (8080), NTM_REPLICA_BASE_PORT (8601), NTM_PG_PORT (54330);
a busy replica or database port is skipped for the next free one. NTM_DEPLOY_DIR (default
var/deploy) holds everything of one stack: the deploy benchmark runs its own beside yours.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("NTM_DEPLOY_DIR") or REPO / "var" / "deploy")   # another folder = another stack
ENV_FILE = VAR / "env"
STATE = VAR / "state.json"
SECRETS = VAR / "secrets"
PG_DIR = VAR / "pg"
NGINX_DIR = VAR / "nginx"
LOGS = VAR / "logs"
PY = Path(os.environ.get("NTM_PYTHON") or REPO / ".venv" / "bin" / "python")
DB_NAME, DB_ROLE = "ntm_atlas", "ntm_app"
IS_ROOT = os.geteuid() == 0


def _rel(p: Path) -> str:
    return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p)


def say(msg: str) -> None:
    print(f"deploy-local: {msg}", flush=True)


class DeployError(RuntimeError):
    pass


# ---- small helpers -----------------------------------------------------------------------

def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(start: int, n: int, taken: set[int] = frozenset()) -> list[int]:
    out, p = [], start
    while len(out) < n:
        if p not in taken and port_free(p):
            out.append(p)
        p += 1
        if p > start + 500:
            raise DeployError(f"no free port from {start}")
    return out


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def wait_http(url: str, seconds: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if http_ok(url):
            return
        if proc is not None and proc.poll() is not None:
            raise DeployError(f"{what} exited with code {proc.returncode} (see the logs in {LOGS})")
        time.sleep(0.3)
    raise DeployError(f"{what} did not answer {url} within {seconds:.0f} s (see the logs in {LOGS})")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_secrets() -> dict:
    if SECRETS.is_file():
        return json.loads(SECRETS.read_text())
    s = {"cookie_secret": secrets.token_urlsafe(32), "db_password": secrets.token_urlsafe(24)}
    VAR.mkdir(parents=True, exist_ok=True)
    SECRETS.write_text(json.dumps(s))
    SECRETS.chmod(0o600)
    return s


def read_env(path: Path = ENV_FILE) -> dict:
    out = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


# ---- PostgreSQL ------------------------------------------------------------------------------

def pg_bin() -> str:
    env = os.environ.get("NTM_PG_BIN")
    if env and os.path.exists(os.path.join(env, "initdb")):
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise DeployError("PostgreSQL server binaries not found: install Debian's 'postgresql' package "
                          "(make deploy-local does it with apt-get)")
    return os.path.dirname(found[-1])


def pg_run(*args, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [os.path.join(pg_bin(), args[0]), *args[1:]]
    if IS_ROOT:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


def pg_start(port: int) -> None:
    data, run = PG_DIR / "data", PG_DIR / "run"
    PG_DIR.mkdir(parents=True, exist_ok=True)
    run.mkdir(exist_ok=True)
    if IS_ROOT:
        for p in (PG_DIR, run):
            shutil.chown(p, "postgres", "postgres")
        PG_DIR.chmod(0o700)
    if not (data / "PG_VERSION").is_file():
        say("initialising the PostgreSQL cluster (var/deploy/pg/data)")
        pg_run("initdb", "-D", str(data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
               "-E", "UTF8", "--locale=C.UTF-8")
    opts = (f"-p {port} -k {run} -c listen_addresses=127.0.0.1 -c max_connections=100 "
            "-c shared_buffers=128MB")
    st = pg_run("pg_ctl", "-D", str(data), "status", check=False)
    if st.returncode == 0:
        pg_run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    pg_run("pg_ctl", "-D", str(data), "-o", opts, "-l", str(PG_DIR / "log"), "-w", "-t", "60", "start")


def pg_admin(port: int):
    import psycopg
    return psycopg.connect(host=str(PG_DIR / "run"), port=port, user="postgres", dbname="postgres",
                           autocommit=True)


def pg_provision(port: int, password: str) -> None:
    """The dedicated role (no superuser, no createdb) owning the app's database."""
    from psycopg import sql
    with pg_admin(port) as c:
        if not c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DB_ROLE,)).fetchone():
            c.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                sql.Identifier(DB_ROLE)))
        c.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(DB_ROLE), sql.Literal(password)))
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            c.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(DB_NAME), sql.Identifier(DB_ROLE)))
    import psycopg
    with psycopg.connect(host=str(PG_DIR / "run"), port=port, user="postgres", dbname=DB_NAME,
                         autocommit=True) as c:
        c.execute(sql.SQL("REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO {}").format(
            sql.Identifier(DB_ROLE)))


def pg_stop() -> None:
    data = PG_DIR / "data"
    if (data / "PG_VERSION").is_file() and pg_run("pg_ctl", "-D", str(data), "status", check=False).returncode == 0:
        pg_run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop", check=False)
        say("PostgreSQL stopped")


# ---- replicas ---------------------------------------------------------------------------------

def supervise(port: int) -> int:
    """Keep one replica running (restart it a second after it exits) until SIGTERM."""
    LOGS.mkdir(parents=True, exist_ok=True)
    stop = {"now": False}
    child: dict = {"p": None}

    def on_term(signum, _frame):
        stop["now"] = True
        p = child["p"]
        if p is not None and p.poll() is None:
            p.terminate()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    with open(LOGS / f"replica-{port}.log", "ab") as log:
        while not stop["now"]:
            started = time.time()
            child["p"] = subprocess.Popen([str(REPO / "deploy" / "run-replica.sh"), str(port)], cwd=REPO,
                                          stdout=log, stderr=subprocess.STDOUT)
            code = child["p"].wait()
            if stop["now"]:
                break
            log.write(f"supervisor: replica {port} exited with {code} after {time.time() - started:.0f} s; "
                      f"restarting in 1 s\n".encode())
            log.flush()
            time.sleep(1)
        p = child["p"]
        if p is not None:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


def start_replicas(ports: list[int], env: dict) -> list[int]:
    LOGS.mkdir(parents=True, exist_ok=True)
    pids = []
    for port in ports:
        e = {**os.environ, **env, "NTM_REPLICA": str(port), "NTM_LOG_FILE": str(LOGS / f"app-{port}.jsonl")}
        p = subprocess.Popen([str(PY), str(Path(__file__).resolve()), "supervise", str(port)], cwd=REPO, env=e,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        pids.append(p.pid)
    return pids


def stop_group(pid: int, what: str) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + 20
    while time.time() < deadline and pid_alive(pid):
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)   # whatever is left of that group (a hung replica)
    except ProcessLookupError:
        pass
    say(f"{what} stopped")


# ---- nginx --------------------------------------------------------------------------------------

def render_nginx(listen_port: int, ports: list[int]) -> Path:
    tmp = NGINX_DIR / "tmp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    www = VAR / "www" / "app"
    www.mkdir(parents=True, exist_ok=True)
    link = www / "static"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(REPO / "static", target_is_directory=True)
    user = ""
    if IS_ROOT:
        readable = subprocess.run(["runuser", "-u", "www-data", "--", "test", "-r",
                                   str(REPO / "static" / "ntm" / "ntm-map.js")], capture_output=True).returncode == 0
        user = "user www-data;" if readable else "user root;   # the checkout is not readable by www-data"
        for d in [tmp, *tmp.iterdir()]:
            shutil.chown(d, "www-data" if readable else "root")
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in ports)
    site = (REPO / "deploy" / "nginx" / "ntm-atlas.conf.in").read_text()
    site = (site.replace("@UPSTREAM_SERVERS@", servers).replace("@LISTEN@", f"127.0.0.1:{listen_port}")
            .replace("@SERVER_NAME@", "127.0.0.1 localhost").replace("@ACCESS_LOG@", str(NGINX_DIR / "access.log"))
            .replace("@WWW_ROOT@", str(VAR / "www")))
    (NGINX_DIR / "ntm-atlas.conf").write_text(site)
    main = (REPO / "deploy" / "nginx" / "local-main.conf.in").read_text()
    main = main.replace("@USER@", user).replace("@PREFIX@", str(NGINX_DIR))
    conf = NGINX_DIR / "nginx.conf"
    conf.write_text(main)
    return conf


def nginx_cmd(conf: Path, *extra: str) -> list[str]:
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(exe):
        raise DeployError("nginx not found: install Debian's 'nginx' package (make deploy-local does it)")
    return [exe, "-p", str(NGINX_DIR), "-c", str(conf), "-e", str(NGINX_DIR / "error.log"), *extra]


def nginx_stop() -> None:
    pidfile = NGINX_DIR / "nginx.pid"
    if not pidfile.is_file():
        return
    try:
        pid = int(pidfile.read_text().strip())
    except ValueError:
        return
    if pid_alive(pid):
        os.kill(pid, signal.SIGQUIT)   # graceful: finish the open requests
        deadline = time.time() + 10
        while time.time() < deadline and pid_alive(pid):
            time.sleep(0.2)
        if pid_alive(pid):
            os.kill(pid, signal.SIGTERM)
        say("nginx stopped")


# ---- up / down / status ---------------------------------------------------------------------------

def write_env(values: dict) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    tmp = ENV_FILE.with_suffix(".tmp")
    # nothing but KEY=value lines (DESIGN §3): tools outside the project parse this file
    tmp.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    tmp.chmod(0o600)   # holds the database password and the cookie secret
    os.replace(tmp, ENV_FILE)


def run_step(what: str, cmd: list[str], env: dict) -> None:
    t0 = time.time()
    p = subprocess.run(cmd, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True)
    if p.returncode != 0:
        raise DeployError(f"{what} failed (exit {p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    last = (p.stdout.strip().splitlines() or [""])[-1]
    say(f"{what}: {last[:200]} [{time.time() - t0:.1f} s]")


def up(n: int) -> int:
    try:
        return _up(n)
    except BaseException:
        if STATE.is_file():
            say("start-up failed: stopping what was started")
            down(purge=False)
        raise


def _up(n: int) -> int:
    if n < 1:
        raise DeployError("N must be at least 1")
    if STATE.is_file():
        say("a previous stack is recorded: stopping it first")
        down(purge=False)
    listen = int(os.environ.get("NTM_DEPLOY_PORT", "8080"))
    if not port_free(listen):
        raise DeployError(f"port {listen} on 127.0.0.1 is busy (another nginx or app?); free it or set "
                          f"NTM_DEPLOY_PORT")
    pg_port = free_ports(int(os.environ.get("NTM_PG_PORT", "54330")), 1)[0]
    ports = free_ports(int(os.environ.get("NTM_REPLICA_BASE_PORT", "8601")), n, taken={listen, pg_port})
    sec = load_secrets()
    state: dict = {"pg_port": pg_port, "ports": ports, "listen": listen, "supervisors": []}
    VAR.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state))
    t0 = time.time()
    pg_start(pg_port)
    pg_provision(pg_port, sec["db_password"])
    say(f"PostgreSQL on 127.0.0.1:{pg_port}, role {DB_ROLE}, database {DB_NAME}")
    url = f"postgresql+psycopg://{DB_ROLE}:{sec['db_password']}@127.0.0.1:{pg_port}/{DB_NAME}"
    env = {"NTM_DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": sec["cookie_secret"]}
    run_step("migrations and seed (python -m loaders init)", [str(PY), "-m", "loaders", "init"], env)
    run_step("map geometry (scripts/prepare_static.py)", [str(PY), "scripts/prepare_static.py", "--quiet"], env)
    state["supervisors"] = start_replicas(ports, env)
    STATE.write_text(json.dumps(state))
    for p in ports:
        wait_http(f"http://127.0.0.1:{p}/_ntm/health", 180, f"replica {p}")
    say(f"{n} replica(s) healthy on 127.0.0.1:{', '.join(map(str, ports))}")
    conf = render_nginx(listen, ports)
    t = subprocess.run(nginx_cmd(conf, "-t"), capture_output=True, text=True)
    if t.returncode != 0:
        raise DeployError(f"nginx configuration test failed:\n{t.stderr}")
    subprocess.run(nginx_cmd(conf), check=True, capture_output=True, text=True)
    base = f"http://127.0.0.1:{listen}"
    wait_http(f"{base}/healthz", 30, "nginx")
    wait_http(f"{base}/", 30, "nginx")
    write_env({"NTM_DATABASE_URL": url, "NTM_REPLICA_PORTS": ",".join(map(str, ports)),
               "NTM_DEPLOY_URL": base, "NTM_PG_PORT": pg_port, "NTM_PG_DATA": PG_DIR / "data",
               "NTM_PG_BIN": pg_bin(), "NTM_PG_SOCKET": PG_DIR / "run", "NTM_PG_RUNAS": "postgres" if IS_ROOT else "",
               "NTM_NGINX_CONF": conf, "NTM_NGINX_PREFIX": NGINX_DIR,
               "NTM_SUPERVISOR_PIDS": ",".join(map(str, state["supervisors"])),
               "STREAMLIT_SERVER_COOKIE_SECRET": sec["cookie_secret"]})
    say(f"up in {time.time() - t0:.0f} s: {base}/ (nginx) → {n} replica(s) → PostgreSQL; "
        f"settings in {_rel(ENV_FILE)}; logs in {_rel(LOGS)}/ and {_rel(NGINX_DIR)}/access.log; "
        f"stop with `make deploy-stop`")
    return 0


def down(purge: bool = False) -> int:
    state = json.loads(STATE.read_text()) if STATE.is_file() else {}
    nginx_stop()
    for pid in state.get("supervisors", []):
        stop_group(int(pid), f"replica supervisor {pid}")
    pg_stop()
    for f in (ENV_FILE, STATE, NGINX_DIR / "nginx.pid"):
        f.unlink(missing_ok=True)
    if purge:
        shutil.rmtree(PG_DIR, ignore_errors=True)
        SECRETS.unlink(missing_ok=True)
        say("database and secrets deleted (--purge)")
    say("stopped")
    return 0


def status() -> int:
    env = read_env()
    if not env:
        print("no local deployment running (no var/deploy/env)")
        return 1
    base = env.get("NTM_DEPLOY_URL", "http://127.0.0.1:8080")
    ok = True
    for name, url in [("nginx", f"{base}/healthz")] + [(f"replica {p}", f"http://127.0.0.1:{p}/_ntm/health")
                                                       for p in env.get("NTM_REPLICA_PORTS", "").split(",") if p]:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = json.loads(r.read())
        except OSError as e:
            ok = False
            print(f"{name:14s} DOWN ({e})")
            continue
        print(f"{name:14s} ok  pid {body.get('pid')}  data version {body.get('data_version')} "
              f"(caches: {body.get('seen_version')})  schema {body.get('schema_version')}")
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python deploy/local.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start (or restart) the stack")
    u.add_argument("n", nargs="?", type=int, default=2, help="number of replicas (default 2)")
    d = sub.add_parser("down", help="stop the stack")
    d.add_argument("--purge", action="store_true", help="also delete the database and secrets")
    sub.add_parser("status", help="health of nginx and each replica")
    s = sub.add_parser("supervise", help=argparse.SUPPRESS)
    s.add_argument("port", type=int)
    a = ap.parse_args(argv)
    try:
        if a.cmd == "up":
            return up(a.n)
        if a.cmd == "down":
            return down(a.purge)
        if a.cmd == "status":
            return status()
        return supervise(a.port)
    except (DeployError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or ""
        print(f"deploy-local: error: {e}\n{detail}".rstrip(), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
