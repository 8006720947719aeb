# Presslift: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo up test lint format layer clean install bench-publish bench-codedrop bench-search

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## the sample WordPress export through the whole pipeline, on the local cloud
	$(VENV)/bin/presslift demo $(DEMO_ARGS)

up: $(STAMP)  ## start the local cloud and keep it running
	$(VENV)/bin/presslift up

.PHONY: up-packaged
up-packaged: package  ## the local cloud running what `make package` wrote (Python 3.12, per-function roles)
	$(VENV)/bin/presslift up --packaged --package-dir $(PACKAGE_DIR)

test: $(STAMP)  ## the whole test suite
	$(PY) -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy chalicelib presslift standins app.py

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-publish: $(STAMP)  ## publish vs aws s3 sync and hugo deploy, against the local cloud
	$(PY) -m bench.publish.run

bench-codedrop: $(STAMP)  ## EFS code drop vs rsync -a --delete
	$(PY) -m bench.codedrop.run

bench-search: $(STAMP)  ## Algolia diff sync vs clear-and-add, against the local Algolia server
	$(PY) -m bench.search.run

.PHONY: bench-hugocache
bench-hugocache: $(STAMP)  ## a rebuild after a one-post edit with the kept Hugo cache vs a cold build (300 photos)
	$(PY) -m bench.hugocache.run

.PHONY: bench-review
bench-review: $(STAMP)  ## the change review of 10 edited posts and a CSS change on 5,000 pages vs diff -r
	$(PY) -m bench.review.run

.PHONY: bench-preview
bench-preview: $(STAMP)  ## a pull request's preview of a one-post edit vs the same edit pushed to staging (local cloud)
	$(PY) -m bench.preview.run

clean:
	rm -rf $(VENV) .presslift .pytest_cache .mypy_cache .ruff_cache

layer: $(STAMP)  ## the Hugo Lambda layer zips in hugo_layer/dist/
	$(PY) -m hugo_layer.build

.PHONY: bench-convert
bench-convert: $(STAMP)  ## presslift convert vs wordpress-export-to-markdown (npm), on a 10,000-item export
	$(PY) -m bench.convert.run

.PHONY: bench-scale
bench-scale: $(STAMP)  ## each stage (fetch, build, deploy-staging, convert) vs its function's limits, vs hugo && hugo deploy, and a 2,000-image rebuild with the kept Hugo cache (SCALE=small|full)
	$(PY) -m bench.scale.run --scale $(or $(SCALE),small)

.PHONY: bench-fidelity
bench-fidelity: $(STAMP)  ## convert and build every shared WXR fixture; items, URLs, dates, media... kept (N/M)
	$(PY) -m bench.fidelity.run

# ---- Deploying to AWS (presslift/packaging, infra/) ----
STAGE ?= prod
STACK ?= presslift-$(STAGE)
PACKAGE_DIR ?= build/package/$(STAGE)
.PHONY: package deploy deploy-upload bench-package

package: $(STAMP)  ## chalice package + infra/, SAM-transformed and checked offline, in build/package/$(STAGE)/
	$(PY) -m presslift.packaging package --stage $(STAGE)

deploy: package  ## upload and deploy build/package/$(STAGE) (needs AWS credentials, DEPLOY_BUCKET, NOTIFICATION_EMAIL)
	@test -n "$(DEPLOY_BUCKET)" || { echo "set DEPLOY_BUCKET=<an S3 bucket of yours for the code>" >&2; exit 2; }
	@test -n "$(NOTIFICATION_EMAIL)" || { echo "set NOTIFICATION_EMAIL=<who approves and gets alarms>" >&2; exit 2; }
	$(PY) -m presslift.packaging secrets --stage $(STAGE)
	$(DEPLOY_COMMANDS)
	$(VENV)/bin/aws cloudformation describe-stacks --stack-name $(STACK) --query 'Stacks[0].Outputs' --output table

# The template is over CloudFormation's 51,200-byte limit for an inline body, so `deploy` uploads it to
# DEPLOY_BUCKET too (--s3-bucket) and creates the change set from its URL. tests/functional/packaging
# runs exactly these two commands against a moto server.
SITE_OWNED_BUCKETS ?=
SITE_OWNED_DISTRIBUTIONS ?=
# X-Ray active tracing of every function: Active, or PassThrough (the default: no traces, no cost).
TRACING ?= PassThrough
AWS ?= $(VENV)/bin/aws
define DEPLOY_COMMANDS
$(AWS) cloudformation package --template-file $(PACKAGE_DIR)/sam.json --s3-bucket $(DEPLOY_BUCKET) \
	  --s3-prefix $(STACK) --use-json --output-template-file $(PACKAGE_DIR)/packaged.json
	$(AWS) cloudformation deploy --template-file $(PACKAGE_DIR)/packaged.json --stack-name $(STACK) \
	  --s3-bucket $(DEPLOY_BUCKET) --s3-prefix $(STACK)/templates \
	  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
	  --parameter-overrides NotificationEmail=$(NOTIFICATION_EMAIL) \
	  "SiteOwnedBuckets=$(SITE_OWNED_BUCKETS)" "SiteOwnedDistributions=$(SITE_OWNED_DISTRIBUTIONS)" \
	  "Tracing=$(TRACING)"
endef

deploy-upload:  ## package + deploy commands only, on an existing build/package/$(STAGE) (tests use it)
	$(DEPLOY_COMMANDS)

bench-package: $(STAMP)  ## deployment package and layer sizes, handler import time
	$(PY) -m bench.package.run
