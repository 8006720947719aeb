"""`.chalice/config.json` is what Chalice reads: strict JSON, every function configured, no names in it
that could drift from chalicelib/resources.py (packaging and the CLI derive them)."""

import json

from chalice.config import Config

from tests.conftest import ROOT


def test_the_chalice_config_is_strict_json_and_configures_every_function():
    import app

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert set(config["stages"]) == {"dev", "prod"}
    functions = {source.name for source in app.app.event_sources} | {"api_handler"}
    functions |= {function.name for function in app.app.pure_lambda_functions}
    for name, stage in config["stages"].items():
        assert set(stage["lambda_functions"]) == functions, name
        assert stage["environment_variables"] == {}, "names are derived from chalicelib/resources.py"
        chalice = Config(chalice_stage=name, function_name="deploy", config_from_disk=config)
        assert chalice.lambda_timeout == 900


def test_stage_names_carry_the_stage():
    from presslift.target import stage_environment

    names = stage_environment("prod")
    assert names["PRESSLIFT_TABLE"] == "presslift-prod-runs"
    assert names["PRESSLIFT_DEPLOY_QUEUE"] == "presslift-prod-deploy.fifo"


def test_an_unknown_deployment_is_the_one_line_error_of_every_command(capsys):
    from presslift.cli import main

    assert main(["runs", "--stage", "qa"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no stage 'qa' in .chalice/config.json (stages: dev, prod)")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_runs_stage_given_as_the_deployment_says_how_to_name_it(capsys):
    """`presslift logs RUN --stage build` answered with the deployments alone."""
    from presslift.cli import main

    assert main(["runs", "--stage", "build"]) == 2
    err = capsys.readouterr().err
    assert "a run's stage is named without --stage (`presslift logs RUN build`)" in err
