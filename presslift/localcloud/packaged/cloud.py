"""Packaged mode of the local cloud: what `make package` wrote is what runs.

`PackagedCloud` stands the packaged stack up on moto (`stack.deploy`), starts every function as
Python 3.12 processes from the unzipped `deployment.zip` with only the Lambda runtime's packages
(`lambda_runtime`), the layer's binaries on the layer's paths, the environment the template gives
that function and the credentials of its own role, then switches moto's IAM enforcement on. Queues,
schedules and the API reach the functions through the template's own event source mappings, rules
and routes. The operator side (the dispatcher, the outbox, the site server, tests) signs as an
operator user that may do anything.

What the local copy changes, and only here (the README lists it): the endpoints (`AWS_ENDPOINT_URL`, and
`AWS_ENDPOINT_URL_LAMBDA` for the local Invoke API of `invoke.py`), moto's S3 authentication of
presigned URLs (`presigned_s3.py`: moto authenticates only an `Authorization` header, and the build
hands its runner function presigned URLs, as on AWS), the API and site URLs (the local front door and
site server stand in for API Gateway's domain and CloudFront's), the EFS mount (a folder), `/tmp` (a
folder per function), and the hosts of the services outside AWS that a test stands in for (GitHub's
API, Algolia).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib import resources
from chalicelib.config import Settings
from chalicelib.services import Services, use_services
from presslift.localcloud import HOST, REGION, LocalCloud, LocalCloudError, LocalCloudOptions, _check_free
from presslift.localcloud.dispatcher import QueuePoller, Schedule, Wiring
from presslift.localcloud.gateway import binary_types_from_template, route_methods_from_template
from presslift.localcloud.outbox import Outbox
from presslift.localcloud.packaged import iam, presigned_s3
from presslift.localcloud.packaged.invoke import InvokeServer
from presslift.localcloud.packaged.process import FunctionPool, Launch
from presslift.localcloud.packaged.stack import FunctionSpec, LocalStack, deploy
from presslift.localcloud.packaged.stack import update as stack_update
from presslift.localcloud.provision import OUTBOX_QUEUE, Provisioned
from presslift.localcloud.server import ApiServer
from presslift.localcloud.state import private_folder
from presslift.packaging.lambda_runtime import LambdaRuntime, RuntimeMissing, lambda_runtime

PACKAGED_STAGE = "prod"
#: Passed from the operator's environment to every function, when set: stand-ins for services
#: outside AWS.
PASSTHROUGH = ("PRESSLIFT_GITHUB_API",)


@dataclass
class PackagedOptions(LocalCloudOptions):
    package_dir: Path = field(default_factory=lambda: Path("build/package") / PACKAGED_STAGE)
    stack_name: str = "presslift-local"
    #: stack parameters (NotificationEmail has no default)
    parameters: dict[str, str] = field(default_factory=lambda: {"NotificationEmail": "operator@example.com"})
    #: environment every function gets on top of the template's (local stand-ins, see PASSTHROUGH)
    extra_environment: dict[str, str] = field(default_factory=dict)
    #: warm processes per function at most (Lambda's concurrency)
    concurrency: int = 3


class MotoProcess:
    """moto's server in a child process, on loopback, authenticating presigned S3 URLs as S3 does
    (`presigned_s3.py`)."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self._popen: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        with self.log.open("ab") as out:
            self._popen = subprocess.Popen(
                [sys.executable, "-m", presigned_s3.__name__, "-H", HOST, "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._popen.poll() is not None:
                raise LocalCloudError(f"moto's server exited at start: see {self.log}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise LocalCloudError(f"moto's server did not answer on {HOST}:{self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        if self._popen and self._popen.poll() is None:
            self._popen.terminate()
            try:
                self._popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._popen.kill()


def unpack(zip_path: Path, target: Path, *, fresh: bool = True) -> Path:
    """Unzip, keeping the execute bits (zipfile drops them; Lambda keeps them). `fresh=False` adds to
    what `target` holds, as Lambda lays layers over each other in /opt."""
    if fresh:
        shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            archive.extract(info, target)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(target / info.filename, mode)
    return target


class PackagedCloud(LocalCloud):
    options: PackagedOptions

    def __init__(self, options: PackagedOptions | None = None, **kwargs: Any) -> None:
        super().__init__(options or PackagedOptions(), **kwargs)
        self.stack: LocalStack | None = None
        self.pools: dict[str, FunctionPool] = {}
        self.operator: iam.Credentials | None = None
        self.runtime: LambdaRuntime | None = None
        self._invoke: InvokeServer | None = None

    @property
    def packaged_dir(self) -> Path:
        return self.state_dir / "packaged"

    @property
    def logs_dir(self) -> Path:
        return self.packaged_dir / "logs"

    def function_log(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def _files(self) -> tuple[dict[str, Any], Path, Path]:
        package = self.options.package_dir.resolve()
        template_path, code = package / "cloudformation.json", package / "deployment.zip"
        layers = sorted(package.glob("hugo-layer-*.zip"))
        if not template_path.exists() or not code.exists() or not layers:
            raise LocalCloudError(
                f"no packaged stack in {package} (cloudformation.json, deployment.zip, hugo-layer-*.zip): "
                f"run `make package STAGE={PACKAGED_STAGE}` first"
            )
        task = unpack(code, self.packaged_dir / "task")
        opt = self.packaged_dir / "opt"
        shutil.rmtree(opt, ignore_errors=True)
        for layer in layers:
            unpack(layer, opt, fresh=False)
        return json.loads(template_path.read_text()), task, opt

    def start(self) -> PackagedCloud:
        _check_free(self.options.aws_port, "the local AWS (moto)", "PRESSLIFT_AWS_PORT")
        _check_free(self.options.api_port, "the API", "PRESSLIFT_API_PORT")
        for folder in (self.state_dir, self.outbox_dir, self.efs_dir, self.packaged_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        private_folder(self.state_dir)
        template, task, opt = self._files()
        try:
            self.runtime = lambda_runtime()
        except RuntimeMissing as exc:
            raise LocalCloudError(f"packaged mode needs Lambda's Python: {exc}") from exc
        # Its own process: IAM enforcement is a switch of moto's module, which would otherwise reach every
        # other moto of this process (tests that mock AWS in-process).
        self._moto = MotoProcess(self.options.aws_port, self.packaged_dir / "moto.log")
        self._moto.start()

        import boto3

        setup = boto3.session.Session(
            aws_access_key_id="setup", aws_secret_access_key="setup", region_name=REGION
        )
        names = ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm", "iam", "sts")
        clients = {name: setup.client(name, endpoint_url=self.options.aws_url) for name in names}
        self._template, self._task, self._opt = template, task, opt
        self.stack = stack = deploy(
            template,
            clients,
            stack_name=self.options.stack_name,
            region=REGION,
            parameters=self.options.parameters,
        )
        self._put_secrets(clients["ssm"], stack)
        self.operator = iam.operator_credentials(clients["iam"])
        self._credentials = {
            spec.logical_id: iam.role_credentials(clients["sts"], spec.role_arn, spec.name)
            for spec in stack.functions.values()
        }
        # Lambda's Invoke API (the build function invokes the build runner), served by the pools below.
        self._invoke = InvokeServer({}, HOST)
        launches = {
            spec.logical_id: self._launch(spec, task, opt, self._credentials[spec.logical_id])
            for spec in stack.functions.values()
        }
        api = stack.function_by_handler("app.app")
        self._operator_environment(launches[api.logical_id].environment)
        iam.enforce(self.options.aws_url)

        operator = boto3.session.Session(region_name=REGION)  # the operator's credentials, from the env
        sqs, s3 = operator.client("sqs"), operator.client("s3")
        self.settings = Settings.from_env()
        self.services = Services(self.settings)
        use_services(self.services)
        self.provisioned = self._provisioned(sqs)
        self.pools = {
            logical_id: FunctionPool(launch, concurrency=self.options.concurrency)
            for logical_id, launch in launches.items()
        }
        for spec in stack.functions.values():  # FunctionName: the name, or (here) the logical id
            pool = self.pools[spec.logical_id]
            self._invoke.pools.update({spec.name: pool, spec.logical_id: pool})
        self._invoke.start()
        for source in stack.queue_sources:
            pool = self.pools[source.function]
            wiring = Wiring(source.function, source.queue_name, source.batch_size, _handler(pool))
            self.pollers.append(QueuePoller(sqs, wiring, self._stop, region=REGION))
        self.schedules = [
            Schedule(
                Wiring(function, expression, 1, _handler(self.pools[function])),
                self._stop,
                self.options.schedule_seconds,
            )
            for function, expression in stack.schedules
        ]
        self.outbox = Outbox(
            sqs, self.provisioned.outbox_url, self.outbox_dir, self._stop, on_email=self._received
        )
        self._api = ApiServer(
            self.pools[api.logical_id].invoke,
            route_methods_from_template(template),
            self.settings,
            s3,
            HOST,
            self.options.api_port,
            binary_types=binary_types_from_template(template),
            identities={self.operator.access_key_id: self.operator.secret_access_key},
        )
        for thread in [*self.pollers, *self.schedules, self.outbox]:
            thread.start()
        self._api.start()
        return self

    def update_stack(self, **parameters: str) -> None:
        """Deploy the stack again with new parameter values: roles and environments change, warm
        functions are replaced (as `make deploy` with new `--parameter-overrides` would)."""
        import boto3

        assert self.stack is not None
        self.options.parameters.update(parameters)
        iam_client = boto3.session.Session(region_name=REGION).client("iam")  # the operator's keys, now
        stack_update(self._template, iam_client, self.stack, self.options.parameters)
        for spec in self.stack.functions.values():
            launch = self._launch(spec, self._task, self._opt, self._credentials[spec.logical_id])
            self.pools[spec.logical_id].relaunch(launch)

    def _put_secrets(self, ssm: Any, stack: LocalStack) -> None:
        parameters = stack.scope.parameters
        values = {
            "GitHubTokenParameter": self.options.github_token,
        }
        for parameter, value in values.items():
            if parameter in parameters and value:
                ssm.put_parameter(
                    Name=parameters[parameter], Value=value, Type="SecureString", Overwrite=True
                )

    def _launch(self, spec: FunctionSpec, task: Path, opt: Path, credentials: iam.Credentials) -> Launch:
        assert self.runtime is not None
        tmp = self.packaged_dir / "tmp" / spec.name
        tmp.mkdir(parents=True, exist_ok=True)
        # /opt holds a function's layers only if the template gives it any (the runner's Hugo): the
        # build function has no Hugo to run a repository's code with, as on AWS
        layered = bool(spec.layers)
        environment = {
            # what Lambda's runtime sets
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "LAMBDA_TASK_ROOT": str(task),
            "_HANDLER": spec.handler,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": ":".join(
                [*([str(opt / "bin")] if layered else []), "/usr/local/bin", "/usr/bin", "/bin"]
            ),
            "LD_LIBRARY_PATH": str(opt / "lib") if layered else "",
            **credentials.environment(),
            # the template's
            **spec.environment,
            # the local copy's stand-ins (see the module docstring)
            "AWS_ENDPOINT_URL": self.options.aws_url,
            "AWS_ENDPOINT_URL_LAMBDA": self._invoke.url if self._invoke else self.options.aws_url,
            "TMPDIR": str(tmp),
        }
        if set(spec.environment) - {resources.EFS_MOUNT.name}:
            # Stand-ins for what the template tells a function; one it tells nothing (the build runner)
            # or only where its mount is (the code-drop mount function) gets none of them either.
            environment.update(
                {
                    resources.RETRY_BACKOFF.name: self.options.retry_backoff,
                    **self._local_urls(spec.environment),
                    **{name: os.environ[name] for name in PASSTHROUGH if os.environ.get(name)},
                    **self.options.extra_environment,
                }
            )
        if spec.mounts:
            environment[resources.EFS_MOUNT.name] = str(self.efs_dir)
        return Launch(
            spec.name, self.runtime.python, environment, spec.timeout_s, self.function_log(spec.name)
        )

    def _local_urls(self, template_environment: dict[str, str]) -> dict[str, str]:
        base = f"http://{HOST}:{self.options.api_port}"
        urls = {resources.API_URL.name: f"{base}/api"}
        urls.update(
            {var.name: f"{base}/sites/{{site}}/{stage}/" for stage, var in resources.SITE_URLS.items()}
        )
        return {name: value for name, value in urls.items() if name in template_environment}

    def _operator_environment(self, function_environment: dict[str, str]) -> None:
        """The harness's environment: the stack's names as the functions see them, operator keys."""
        assert self.operator is not None
        names = {k: v for k, v in function_environment.items() if k.startswith("PRESSLIFT_")}
        os.environ.update(names)
        os.environ.update(self.operator.environment())
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.update(
            AWS_ENDPOINT_URL=self.options.aws_url,
            AWS_DEFAULT_REGION=REGION,
            **{resources.API_URL.name: f"http://{HOST}:{self.options.api_port}/api"},
            **{
                var.name: f"http://{HOST}:{self.options.api_port}/sites/{{site}}/{stage}/"
                for stage, var in resources.SITE_URLS.items()
            },
        )
        os.environ[resources.EFS_MOUNT.name] = str(self.efs_dir)

    def _provisioned(self, sqs: Any) -> Provisioned:
        assert self.settings is not None and self.stack is not None
        done = Provisioned(buckets=list(self.stack.buckets.values()))
        done.distributions = dict(self.settings.distributions)
        done.outbox_url = sqs.create_queue(QueueName=OUTBOX_QUEUE)["QueueUrl"]
        outbox_arn = sqs.get_queue_attributes(QueueUrl=done.outbox_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        assert self.services is not None
        self.services.sns.subscribe(
            TopicArn=self.settings.approvals_topic_arn, Protocol="sqs", Endpoint=outbox_arn
        )
        for role, name in self.settings.queues.items():
            done.queue_urls[role] = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return done

    def stop(self) -> None:
        super().stop()
        if self._invoke:
            self._invoke.stop()
        for pool in self.pools.values():
            pool.close()

    def function_credentials(self, name: str) -> iam.Credentials:
        """The role credentials a function runs with (tests check what they may do)."""
        assert self.stack is not None
        spec = next(s for s in self.stack.functions.values() if s.name == name or s.logical_id == name)
        return self._credentials[spec.logical_id]

    def aws_errors(self) -> dict[str, list[str]]:
        """Failed AWS calls each function logged, by function name (`[aws] s3:PutObject failed: …`)."""
        found: dict[str, list[str]] = {}
        for log in sorted(self.logs_dir.glob("*.log")):
            lines = [line for line in log.read_text(errors="replace").splitlines() if "AccessDenied" in line]
            if lines:
                found[log.stem] = lines
        return found

    def aws_calls(self) -> dict[str, set[str]]:
        """The AWS operations each function made, by function name, from its log."""
        calls: dict[str, set[str]] = {}
        for log in sorted(self.logs_dir.glob("*.log")):
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("[aws] "):
                    calls.setdefault(log.stem, set()).add(line.split()[1])
        return calls

    def banner(self) -> str:
        assert self.stack is not None and self.runtime is not None and self.operator is not None
        key = self.operator
        lines = [
            super().banner().replace("Presslift local cloud is up", "Presslift local cloud is up (packaged)"),
            f"  Package         {self.options.package_dir.resolve()}/ (stack {self.options.stack_name})",
            f"  Runtime         {self.runtime.python} (boto3 floor only), IAM enforced per function role",
            f"  Function logs   {self.logs_dir}/",
            "  Operator keys   IAM is enforced: sign as the operator with",
            f"                  export AWS_ACCESS_KEY_ID={key.access_key_id}"
            f" AWS_SECRET_ACCESS_KEY={key.secret_access_key}",
        ]
        return "\n".join(lines)


def _handler(pool: FunctionPool) -> Any:
    def invoke(event: dict[str, Any], context: Any) -> Any:
        return pool.invoke(event)

    return invoke
