# CollectorDojo task list. `make help` explains each target.
# Slow steps run only when their inputs changed: the venv when pyproject.toml/constraints.txt
# change, the Rasa model when config.yml, domain.yml, the training data or the NLU normaliser change.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DOJO := $(VENV)/bin/dojo
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore

# The NLU plugins' code is a training input too: the model is trained on what they produce.
# The folders are inputs too: a folder's time changes when a file is added or removed, so deleting a
# training file retrains like editing one does.
TRAINING_INPUTS := config.yml domain.yml data/rules.yml rasa_plugins/normalizer.py rasa_plugins/terms_extractor.py foundation/normalize.py \
  $(shell find data/nlu data/stories \( -name '*.yml' -o -type d \) 2>/dev/null)
MODEL_STAMP := models/.trained
# The graders' models (scoring/training.py) depend on the labelled passes, the cue files and the code
# that reads them; fitted once per data version into var/cache/scoring. `make run` needs only the
# shipped grader (about two minutes on one core); `make test` also measures the grader leave-one-author-out,
# which fits every fold (82 graders at stop 22, about 65 minutes on 2 cores).
SCORING_INPUTS := $(shell find data/eval/scoring data/rules -name '*.jsonl' -o -name '*.yml' -o -type d 2>/dev/null) \
  scoring/training.py scoring/reading.py scoring/linear.py scoring/cues.py scoring/modelcues.py \
  scoring/patterns.py scoring/rulepack.py scoring/text.py scoring/tone.py
GRADER_STAMP := var/cache/scoring/.shipped
SCORING_STAMP := var/cache/scoring/.fitted

.PHONY: help setup model grader scoring-model run test test-fast validate bench load dashboard clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(VENV)/.installed: pyproject.toml constraints.txt scripts/find-python.sh
	@echo "==> Looking for Python 3.10"
	@PY310=$$(scripts/find-python.sh) || exit 1; \
	  echo "==> Creating $(VENV) with $$PY310"; \
	  [ -x $(PY) ] || $$PY310 -m venv $(VENV)
	@echo "==> Installing pinned dependencies (constraints.txt); the first time takes a few minutes"
	@$(PY) -m pip install -q "pip==24.3.1" "setuptools==70.3.0" "wheel==0.45.1"
	@$(PY) -m pip install -q -c constraints.txt -e .
	@touch $@
	@echo "==> Python environment ready"

setup: $(VENV)/.installed ## create .venv with Python 3.10 and the pinned dependencies

$(MODEL_STAMP): $(VENV)/.installed $(TRAINING_INPUTS)
	@echo "==> Training the Rasa model (config.yml, domain.yml, data/ or the NLU normaliser changed); about 1½ minutes on 2 cores, up to 3 when the CPU is shared"
	@$(DOJO) train
	@touch $@

model: $(MODEL_STAMP) ## train the Rasa model if its inputs changed

$(GRADER_STAMP): $(VENV)/.installed $(SCORING_INPUTS)
	@echo "==> Fitting the shipped grader (labelled passes or cue files changed)"
	@$(PY) -m scoring.training
	@mkdir -p $(@D) && touch $@

grader: $(GRADER_STAMP) ## fit the shipped grader if its data changed (all `make run` needs)

$(SCORING_STAMP): $(VENV)/.installed $(SCORING_INPUTS)
	@echo "==> Fitting the graders' models and their leave-one-author-out folds (labelled passes changed)"
	@$(PY) -m scoring.evaluation > /dev/null
	@mkdir -p $(@D) && touch $@

scoring-model: $(SCORING_STAMP) ## fit the graders' models (shipped and evaluation folds) if their data changed

# The Rasa model and the graders fit side by side: DIET and liblinear rarely keep both cores busy.
run: setup ## practise in the terminal (no Telegram token needed); Telegram too when TELEGRAM_BOT_TOKEN is set
	@$(MAKE) --no-print-directory -j2 model grader
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(DOJO) run; else $(DOJO) practice; fi

validate: setup ## check the training data and every scenario, persona and rule pack
	@$(DOJO) validate

test: setup ## set everything up and run every test
	@$(MAKE) --no-print-directory -j2 model scoring-model
	@scripts/ensure-test-tools.sh
	@$(PY) -m pytest -q

test-fast: setup scoring-model ## the tests that need no trained Rasa model
	@$(PY) -m pytest -q -m "not rasa"

bench: setup model ## run the benchmarks and print their figures
	@for b in bench/bench_*.py; do echo "==> $$b"; $(PY) $$b || exit 1; done

load: setup model ## load drivers (REST, Telegram; back to back and paced; ~35 min), docs/load_curve.png, Rasa profile
	@$(PY) bench/load_rest.py --json bench/out/load_rest.json
	@$(PY) bench/load_rest.py --think 5 15 --json bench/out/load_rest_paced.json
	@$(PY) bench/load_telegram.py --json bench/out/load_telegram.json
	@$(PY) bench/load_telegram.py --think 5 15 --json bench/out/load_telegram_paced.json
	@$(PY) bench/load_chart.py bench/out/load_rest.json bench/out/load_telegram.json \
	  --paced bench/out/load_rest_paced.json bench/out/load_telegram_paced.json
	@$(PY) bench/profile_rasa.py

dashboard: setup ## serve the read-only web dashboard on 127.0.0.1:8001
	@$(DOJO) dashboard

clean: ## remove the trained model and test outputs (keeps .venv and var/)
	rm -rf models results .pytest_cache
