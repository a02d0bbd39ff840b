"""The compose file, the proxy, the Kubernetes manifests, the Dockerfile, .env.example and the
settings agree with each other.

No container engine or cluster runs here: these tests read the files and check them against the
code (bot/config.py for settings, the real argument parser for commands, the real health endpoint
for probes), the Kubernetes JSON schemas bundled with kubernetes-validate, and nginx's own
parser rules (crossplane; `nginx -t` too where nginx is installed).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import crossplane  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import kubernetes_validate.utils  # type: ignore[import-untyped]
import pytest
import yaml

from bot.cli import parser as _parser
from bot.config import ConfigError, Settings
from bot.ops.health import Checks, HealthServer
from bot.ops.observe import Observer
from bot.platforms.slack.app import EVENTS_PATH

ROOT = Path(__file__).resolve().parent.parent.parent
# Variables of the compose file itself, not settings of the bot.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
# Standard variables the settings fall back on, not settings of their own.
STANDARD = {"XDG_CACHE_HOME"}
_ASSIGNMENT = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")
_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


class RecordingEnvironment(dict[str, str]):
    """An environment that remembers every variable the settings read."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__(values or {})
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def setting_names() -> set[str]:
    environment = RecordingEnvironment()
    Settings.from_environ(environment)
    return environment.read - STANDARD


def env_example() -> dict[str, tuple[str, bool]]:
    """Every variable in .env.example: its value, and whether the line is commented out."""
    entries = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = _ASSIGNMENT.match(line)
        if match:
            entries[match.group(1)] = (match.group(2), line.startswith("#"))
    return entries


def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


def bot_services() -> dict[str, dict[str, Any]]:
    """The services that run the bot's image (not the database, not the proxy)."""
    return {
        name: spec
        for name, spec in compose()["services"].items()
        if name not in {"postgres", "proxy"}
    }


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    listed = set(env_example())
    assert listed - COMPOSE_ONLY == setting_names()


def test_every_setting_in_env_example_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if _ASSIGNMENT.match(line):
            above = [previous for previous in lines[:number] if previous.strip()][-1]
            explained = above.startswith("# ") or _ASSIGNMENT.match(above)
            assert explained, f"{line!r} has no comment above it"


def test_env_example_values_are_valid_settings() -> None:
    values = {name: value for name, (value, _) in env_example().items() if name not in COMPOSE_ONLY}
    uncommented = {name: value for name, value in values.items() if value}
    settings = Settings.from_environ(uncommented)
    assert settings.database_url == "sqlite:///data/optout.db"
    assert settings.reminder_offsets == (14, 3, 1, 0)


def test_compose_interpolates_only_listed_variables() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert set(_INTERPOLATION.findall(text)) <= set(env_example())


def test_bot_services_read_env_and_override_only_settings() -> None:
    names = setting_names()
    services = bot_services()
    assert set(services) == {"migrate", "slack", "discord"}
    for name, spec in services.items():
        assert spec["env_file"] == ".env", name
        assert set(spec.get("environment", {})) <= names, name
        assert spec["environment"]["DATABASE_URL"].startswith("postgresql://"), name
        assert spec["build"] == "." and spec["image"] == "optout-bot:latest", name


@pytest.mark.parametrize(
    ("service", "expected", "handler"),
    [
        ("migrate", "migrate", "migrate_handler"),
        ("slack", "run", "start"),
        ("discord", "run", "start"),
    ],
)
def test_service_commands_are_real_subcommands(service: str, expected: str, handler: str) -> None:
    command = bot_services()[service]["command"]
    arguments = _parser().parse_args(command)
    assert command[0] == expected
    assert arguments.handler.__name__ == handler
    if service != "migrate":
        assert arguments.platform == [service]


def test_the_bots_start_after_the_migration_which_waits_for_a_healthy_database() -> None:
    document = compose()
    postgres = document["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert set(document["volumes"]) == {"postgres-data"}
    services = bot_services()
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("slack", "discord"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_the_dockerfile_builds_a_slim_non_root_image_with_the_content() -> None:
    instructions = [
        line.split(maxsplit=1)
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    by_kind: dict[str, list[str]] = {}
    for kind, rest in instructions:
        by_kind.setdefault(kind, []).append(rest)
    assert by_kind["FROM"] == ["python:3.11-slim"]
    assert any(rest.startswith("content ") for rest in by_kind["COPY"])
    assert by_kind["USER"] == ["optout"]
    assert by_kind["ENTRYPOINT"] == ['["optout-bot"]']
    assert "OPTOUT_CONTENT_DIR=/app/content" in " ".join(by_kind["ENV"])


# --- The proxy in front of the Slack replicas ----------------------------------------------------

NGINX_CONF = ROOT / "deploy" / "nginx" / "optout-bot.conf"
# Where the official nginx image reads it: its nginx.conf includes conf.d/*.conf inside http {}.
NGINX_MOUNT = "/etc/nginx/conf.d/default.conf"
# The TLS lines the configuration carries commented out, for TLS in the proxy itself.
_TLS_LINE = re.compile(r"^(\s*)#((?:listen 443 ssl|ssl_certificate|ssl_certificate_key)\b.*)$")
Directive = dict[str, Any]


class NginxConfigError(ValueError):
    """The nginx configuration breaks nginx's rules."""


def nginx_main(directory: Path, server_conf: Path) -> Path:
    """A main configuration that includes ``server_conf`` the way the official image does."""
    main = directory / "nginx.conf"
    temp = "".join(
        f"    {kind}_temp_path {directory / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"pid {directory / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n{temp}    include {server_conf};\n}}\n"
    )
    return main


def parse_nginx(directory: Path, server_conf: Path = NGINX_CONF) -> list[Directive]:
    """The included file's directives, parsed by crossplane with nginx's context and argument
    rules and unknown directives refused; raises ``NginxConfigError`` listing every error."""
    main = nginx_main(directory, server_conf)
    payload = crossplane.parse(str(main), strict=True)
    if payload["errors"]:
        raise NginxConfigError("; ".join(error["error"] for error in payload["errors"]))
    included = [config for config in payload["config"] if config["file"] == str(server_conf)]
    return list(included[0]["parsed"])


def directives(block: list[Directive], name: str) -> list[Directive]:
    return [directive for directive in block if directive["directive"] == name]


def walk(block: list[Directive]) -> list[Directive]:
    """Every directive in ``block``, nested ones included."""
    found = []
    for directive in block:
        found.append(directive)
        found.extend(walk(directive.get("block", [])))
    return found


def only(block: list[Directive], name: str) -> list[str]:
    [directive] = directives(block, name)
    return list(directive["args"])


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)(ms|s|m)?", value)
    assert match, value
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[match.group(2)]


def server(parsed: list[Directive]) -> list[Directive]:
    [block] = directives(parsed, "server")
    return list(block["block"])


def locations(parsed: list[Directive]) -> dict[str, list[Directive]]:
    return {
        " ".join(location["args"]): location["block"]
        for location in directives(server(parsed), "location")
    }


def test_only_the_proxy_is_published_on_the_host() -> None:
    services = compose()["services"]
    published = {name for name, spec in services.items() if spec.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["ports"] == ["80:80"]


def test_the_proxy_runs_official_nginx_with_the_repositorys_config() -> None:
    proxy = compose()["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    [volume] = proxy["volumes"]
    source, target, mode = volume.split(":")
    assert (ROOT / source).resolve() == NGINX_CONF
    assert (target, mode) == (NGINX_MOUNT, "ro")
    assert proxy["depends_on"] == ["slack"]


def test_the_proxy_config_follows_nginx_rules(tmp_path: Path) -> None:
    parsed = parse_nginx(tmp_path)
    assert directives(parsed, "server")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("resolver_timeout 2s;", "resolver_timeot 2s;"), "unknown directive"),
        (
            ("limit_conn_status 429;", "limit_conn_zone $binary_remote_addr zone=x:1m;"),
            "not allowed",
        ),
        (("send_timeout 10s;", "send_timeout;"), "invalid number of arguments"),
    ],
)
def test_the_nginx_parser_rejects_a_broken_config(
    tmp_path: Path, change: tuple[str, str], complaint: str
) -> None:
    old, new = change
    broken = tmp_path / "broken.conf"
    broken.write_text(NGINX_CONF.read_text().replace(old, new, 1))
    with pytest.raises(NginxConfigError, match=complaint):
        parse_nginx(tmp_path, broken)


def test_the_proxy_forwards_only_slack_events_to_every_slack_replica(tmp_path: Path) -> None:
    parsed = parse_nginx(tmp_path)
    # Docker's DNS, asked again at run time: a variable upstream is resolved per request.
    assert only(parsed, "resolver")[0] == "127.0.0.11"
    routes = locations(parsed)
    assert set(routes) == {f"= {EVENTS_PATH}", "/"}
    assert only(routes["/"], "return") == ["404"]
    events = routes[f"= {EVENTS_PATH}"]
    [limit] = directives(events, "limit_except")
    assert limit["args"] == ["POST"] and only(limit["block"], "deny") == ["all"]
    variable, target = only(events, "set")
    assert only(events, "proxy_pass") == [f"http://{variable}"]
    host, port = target.split(":")
    assert host in bot_services() and bot_services()[host]["command"][:3] == [
        "run",
        "--platform",
        "slack",
    ]
    assert int(port) == Settings.from_environ({}).slack_port
    assert "SLACK_PORT" not in bot_services()["slack"].get("environment", {})


def test_slow_clients_are_cut_off_and_bodies_capped(tmp_path: Path) -> None:
    parsed = parse_nginx(tmp_path)
    for name in (
        "client_header_timeout",
        "client_body_timeout",
        "keepalive_timeout",
        "send_timeout",
    ):
        assert 5 <= seconds(only(parsed, name)[0]) <= 15, name
    assert only(parsed, "client_max_body_size") == ["1m"]
    # The whole body fits the in-memory buffer: read before it is forwarded, never to disk.
    assert only(parsed, "client_body_buffer_size") == only(parsed, "client_max_body_size")
    events = locations(parsed)[f"= {EVENTS_PATH}"]
    for name in ("proxy_connect_timeout", "proxy_send_timeout", "proxy_read_timeout"):
        assert seconds(only(events, name)[0]) <= 15, name


def test_connections_are_limited_per_client_address(tmp_path: Path) -> None:
    parsed = parse_nginx(tmp_path)
    key, zone = only(parsed, "limit_conn_zone")
    assert key == "$binary_remote_addr"
    zone_name = zone.removeprefix("zone=").split(":")[0]
    limit_zone, limit = only(server(parsed), "limit_conn")
    assert limit_zone == zone_name and int(limit) > 0


def test_the_signed_request_reaches_the_bot_as_slack_sent_it(tmp_path: Path) -> None:
    parsed = parse_nginx(tmp_path)
    everything = walk(parsed)
    header_directives = {"proxy_set_header", "proxy_hide_header", "more_clear_input_headers"}
    touched = {
        directive["args"][0].lower()
        for directive in everything
        if directive["directive"] in header_directives
    }
    assert not {header for header in touched if header.startswith("x-slack-")}
    refused = {"proxy_pass_request_headers", "proxy_pass_request_body", "underscores_in_headers"}
    assert not [d for d in everything if d["directive"] in refused and d["args"] != ["on"]]
    assert not directives(everything, "proxy_set_body")
    forwarded = {d["args"][0]: d["args"][1] for d in directives(everything, "proxy_set_header")}
    assert forwarded["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"


def tls_variant(directory: Path) -> Path:
    """The configuration with its TLS lines uncommented, reading a fresh self-signed pair."""
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    lines = [_TLS_LINE.sub(r"\1\2", line) for line in NGINX_CONF.read_text().splitlines()]
    text = "\n".join(lines).replace("/etc/nginx/tls/", f"{directory}/")
    assert "listen 443 ssl;" in text and str(key) in text
    variant = directory / "tls.conf"
    variant.write_text(text)
    return variant


def test_the_tls_lines_make_a_valid_https_server(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        _skip_unless_required("openssl")
    parsed = parse_nginx(tmp_path, tls_variant(tmp_path))
    listens = [d["args"] for d in directives(server(parsed), "listen")]
    assert ["443", "ssl"] in listens


def _skip_unless_required(program: str) -> None:
    if os.environ.get("CI") or os.environ.get("OPTOUT_REQUIRE_NGINX"):
        pytest.fail(f"{program} is missing; .ci/run installs it")
    pytest.skip(f"{program} is not installed (CI or OPTOUT_REQUIRE_NGINX=1 makes this a failure)")


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_nginx_itself_accepts_the_config(tmp_path: Path, tls: bool) -> None:
    for program in ("nginx", "openssl") if tls else ("nginx",):
        if shutil.which(program) is None:
            _skip_unless_required(program)
    server_conf = tls_variant(tmp_path) if tls else NGINX_CONF
    main = nginx_main(tmp_path, server_conf)
    check = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr


# --- Kubernetes -----------------------------------------------------------------------------------

KUBERNETES = ROOT / "deploy" / "kubernetes"
SECRET_TEMPLATE = "secret.example.yaml"
# The oldest Kubernetes release the manifests are meant for, and the newest whose schemas
# kubernetes-validate bundles (it reads them from the package: validation never goes online).
KUBERNETES_VERSIONS = ("1.29.0", "1.37.0")
WORKLOADS = {"Deployment", "Job"}
Manifest = dict[str, Any]


def manifest_files() -> list[Path]:
    return sorted(path for path in KUBERNETES.glob("*.yaml") if path.name != "kustomization.yaml")


def manifests() -> list[Manifest]:
    return [
        document
        for path in manifest_files()
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def of_kind(kind: str) -> list[Manifest]:
    return [document for document in manifests() if document["kind"] == kind]


def one(kind: str) -> Manifest:
    [document] = of_kind(kind)
    return document


def workloads() -> dict[str, Manifest]:
    return {d["metadata"]["name"]: d for d in manifests() if d["kind"] in WORKLOADS}


def pod_spec(workload: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def containers() -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, container)
        for name, workload in workloads().items()
        for container in pod_spec(workload)["containers"]
    ]


def component(name: str) -> list[Manifest]:
    """The Deployments whose pods carry app.kubernetes.io/component: ``name``."""
    return [
        workload
        for workload in of_kind("Deployment")
        if workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == name
    ]


def settings_data() -> dict[str, str]:
    data: dict[str, str] = one("ConfigMap")["data"]
    return data


def secret_data() -> dict[str, str]:
    data: dict[str, str] = one("Secret")["stringData"]
    return data


def secret_setting_names() -> set[str]:
    """The settings whose values Settings.secrets() scrubs from logs: tokens, the database."""
    found = set()
    for name in setting_names():
        value = "postgresql://user:marked@localhost/db" if name == "DATABASE_URL" else "marked"
        try:
            settings = Settings.from_environ({name: value})
        except ConfigError:
            continue  # a number, a port or a choice: not free text, so never a secret
        if "marked" in settings.secrets():
            found.add(name)
    return found


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_kubernetes_manifest_matches_the_schemas_strictly(version: str) -> None:
    documents = manifests()
    assert {d["kind"] for d in documents} >= {
        "Namespace",
        "Secret",
        "ConfigMap",
        "Job",
        "Deployment",
        "Service",
        "Ingress",
        "PodDisruptionBudget",
    }
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "template", "spec", "containers", 0, "livenessProbes"), {}),
        (("spec", "replicas"), "3"),
        (("spec", "template", "spec", "securityContext", "runAsNonRoot"), "yes"),
    ],
    ids=["unknown-field", "string-for-number", "string-for-boolean"],
)
def test_the_schema_check_rejects_a_broken_manifest(path: tuple[Any, ...], value: Any) -> None:
    broken = copy.deepcopy(component("slack")[0])
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_the_schemas_are_bundled_for_every_version_checked() -> None:
    bundled = set(kubernetes_validate.utils.all_versions())
    assert set(KUBERNETES_VERSIONS) <= bundled


def test_kustomize_applies_every_manifest_but_the_secret_template() -> None:
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {path.name for path in manifest_files()} - {SECRET_TEMPLATE}
    assert kustomization["namespace"] == one("Namespace")["metadata"]["name"]
    assert one("Secret")["metadata"]["namespace"] == kustomization["namespace"]
    images = {image["name"] for image in kustomization["images"]}
    assert {container["image"] for _, container in containers()} == images


def test_every_container_runs_a_real_command_of_the_image() -> None:
    commands = {}
    for name, container in containers():
        # The image's entrypoint is optout-bot: the manifests give only its arguments.
        assert "command" not in container, name
        arguments = _parser().parse_args(container["args"])
        commands[name] = (container["args"][0], arguments)
    assert {command for command, _ in commands.values()} == {"migrate", "run"}
    for workload in component("slack"):
        _, arguments = commands[workload["metadata"]["name"]]
        assert arguments.platform == ["slack"] and arguments.http
    for workload in component("discord"):
        _, arguments = commands[workload["metadata"]["name"]]
        assert arguments.platform == ["discord"]
    assert one("Job")["spec"]["template"]["spec"]["restartPolicy"] in {"OnFailure", "Never"}


def test_the_manifests_name_only_real_settings_with_valid_values() -> None:
    names = setting_names()
    assert set(settings_data()) <= names
    assert set(secret_data()) <= names
    for name, container in containers():
        overrides = {variable["name"]: variable["value"] for variable in container.get("env", [])}
        assert set(overrides) <= names, name
        Settings.from_environ({**settings_data(), **secret_data(), **overrides})


def test_the_secret_holds_every_secret_setting_and_the_config_map_none() -> None:
    secrets = secret_setting_names()
    assert {"DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"} <= secrets
    assert set(secret_data()) == secrets
    assert not secrets & set(settings_data())
    assert "secret store" in (KUBERNETES / SECRET_TEMPLATE).read_text()


def test_every_container_reads_the_config_map_and_the_secret() -> None:
    expected = [
        {"configMapRef": {"name": one("ConfigMap")["metadata"]["name"]}},
        {"secretRef": {"name": one("Secret")["metadata"]["name"]}},
    ]
    for name, container in containers():
        assert container["envFrom"] == expected, name


def test_the_discord_shard_ranges_cover_every_shard_once() -> None:
    deployments = component("discord")
    assert len(deployments) >= 2
    count = Settings.from_environ(settings_data()).discord_shard_count
    assert count is not None
    covered: list[int] = []
    for deployment in deployments:
        # One process per range, and never two at once during a rollout.
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        [container] = pod_spec(deployment)["containers"]
        [shards] = container["env"]
        assert shards["name"] == "DISCORD_SHARD_IDS"
        settings = Settings.from_environ({**settings_data(), shards["name"]: shards["value"]})
        assert settings.discord_shard_ids is not None
        covered.extend(settings.discord_shard_ids)
    assert sorted(covered) == list(range(count))


def probes() -> list[tuple[str, str, dict[str, Any]]]:
    """(workload, kind of probe, probe) for every probe of every container."""
    return [
        (name, kind, container[kind])
        for name, container in containers()
        for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        if kind in container
    ]


def test_long_running_pods_are_probed_on_the_operations_endpoint() -> None:
    port = Settings.from_environ(settings_data()).health_port
    expected = {
        "startupProbe": "/healthz",
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
    }
    for deployment in of_kind("Deployment"):
        [container] = pod_spec(deployment)["containers"]
        ports = {entry["name"]: entry["containerPort"] for entry in container["ports"]}
        for kind, path in expected.items():
            probe = container[kind]["httpGet"]
            assert probe["path"] == path, (deployment["metadata"]["name"], kind)
            assert ports[probe["port"]] == port


async def test_every_probed_path_is_served_by_the_health_endpoint() -> None:
    paths = {probe["httpGet"]["path"] for _, _, probe in probes()}
    assert paths == {"/healthz", "/readyz"}
    endpoint = HealthServer(Observer(), Checks(), "127.0.0.1", 0)
    await endpoint.start()
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{endpoint.port}") as client:
            for path in [*sorted(paths), "/health"]:
                async with client.get(path) as answer:
                    if path in paths:
                        # 200 or 503 with the named checks: the route exists and answers.
                        assert answer.status in {200, 503}, path
                        assert (await answer.json())["status"] in {"ok", "failing"}
                    else:
                        assert answer.status == 404
    finally:
        await endpoint.stop()


def test_slack_is_reached_only_through_its_service_and_the_ingress() -> None:
    [deployment] = component("slack")
    [container] = pod_spec(deployment)["containers"]
    ports = {entry["name"]: entry["containerPort"] for entry in container["ports"]}
    service = next(s for s in of_kind("Service") if s["metadata"]["name"].endswith("slack"))
    assert service["spec"]["selector"].items() <= pod_template_labels(deployment).items()
    [service_port] = service["spec"]["ports"]
    assert ports[service_port["targetPort"]] == Settings.from_environ(settings_data()).slack_port
    ingress = one("Ingress")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert ingress["spec"]["tls"][0]["hosts"] == hosts
    [rule] = ingress["spec"]["rules"]
    [path] = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == (EVENTS_PATH, "Exact")
    backend = path["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": service_port["name"]}}
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "1m"
    for timeout in ("proxy-connect-timeout", "proxy-send-timeout", "proxy-read-timeout"):
        assert int(annotations[f"nginx.ingress.kubernetes.io/{timeout}"]) <= 15


def pod_template_labels(workload: Manifest) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def dockerfile_uid() -> int:
    match = re.search(r"--uid (\d+)", (ROOT / "Dockerfile").read_text())
    assert match
    return int(match.group(1))


def test_every_pod_runs_locked_down_with_bounded_resources() -> None:
    for name, workload in workloads().items():
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] == dockerfile_uid(), name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        # Service links would set <SERVICE>_PORT variables that can collide with SLACK_PORT.
        assert spec["enableServiceLinks"] is False, name
        for container in spec["containers"]:
            assert container["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, name
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), name
            assert "memory" in resources["limits"], name


def test_what_the_bot_writes_lands_on_writable_volumes() -> None:
    settings = Settings.from_environ(settings_data())
    assert settings.cache_dir is not None
    workdir = Path(re.findall(r"^WORKDIR (\S+)", (ROOT / "Dockerfile").read_text(), re.M)[-1])
    sync_state = workdir / settings.discord_sync_state
    for name, workload in workloads().items():
        spec = pod_spec(workload)
        empty = {volume["name"] for volume in spec["volumes"] if "emptyDir" in volume}
        [container] = spec["containers"]
        mounts = [Path(m["mountPath"]) for m in container["volumeMounts"] if m["name"] in empty]
        writable = [settings.cache_dir]
        if workload in component("discord"):
            writable.append(sync_state.parent)
        for directory in writable:
            assert any(directory.is_relative_to(mount) for mount in mounts), (name, directory)


def test_a_disruption_budget_keeps_most_slack_replicas_up() -> None:
    [deployment] = component("slack")
    budget = one("PodDisruptionBudget")
    assert (
        budget["spec"]["selector"]["matchLabels"].items() <= pod_template_labels(deployment).items()
    )
    assert 0 < budget["spec"]["maxUnavailable"] < deployment["spec"]["replicas"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
