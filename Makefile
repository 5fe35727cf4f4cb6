# Top-level entry points: `make demo`, `make test`, `make bench`, `make fuzz`.
# Each first installs the Debian packages the build needs (only those missing; apt-get needs root).

DEB_PACKAGES := cmake make gcc pkg-config libfyaml-dev libxml2-dev libcmocka-dev python3 clang libclang-rt-dev libomp-dev \
                libcairo2-dev libpng-dev libwebp-dev fonts-dejavu-core chromium chromium-driver python3-selenium \
                python3-vtk9 libjansson-dev libssl-dev libsqlite3-dev \
                libopenmpi-dev openmpi-bin time \
                python3-numpy python3-pandas python3-anndata python3-venv python3-pip python3-setuptools
BUILD        := build
BUILD_ASAN   := build-asan
BUILD_FUZZ   := build-fuzz
FUZZ_SECONDS ?= 600
JOBS         ?= 2
DEMO_MODEL   := models/tumour_stroma.yaml
DEMO_OUT     := out/demo

.PHONY: all deps build build-asan build-fuzz demo test bench validate fuzz fuzz-csv clean

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "error: need root to install:$$missing" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSTROMA_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# libFuzzer targets (clang, ASan+UBSan): see docs/dev/fuzzing.md.
FUZZERS      := fuzz_model_loader fuzz_import_physicell fuzz_cells_csv fuzz_rules_csv fuzz_checkpoint
build-fuzz: deps
	@cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DSTROMA_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target $(FUZZERS)

demo: build
	./$(BUILD)/stroma run $(DEMO_MODEL) --out $(DEMO_OUT)
	@echo "demo outputs: $(CURDIR)/$(DEMO_OUT) (summary.json, run.json, timeseries.csv, fields/, cells/, images/)"
	@echo "demo report:  $(CURDIR)/$(DEMO_OUT)/report.html (open it in a browser)"
	@python3 tools/headline.py $(DEMO_OUT)

# Two tests at a time: most are single-threaded (the fuzzers run for a fixed time), and no test asserts wall
# time; on 2 cores this takes the suite from 8.5 to 5.5 minutes (measured on a fresh clone, 2026-12-07).
test: build build-asan build-fuzz
	STROMA_FUZZER=$(CURDIR)/$(BUILD_FUZZ)/fuzz_model_loader ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir $(BUILD_ASAN) -L 'unit|asan' -j $(JOBS) --output-on-failure

# The shipped ecosystem models against the literature over their full two weeks (a few minutes on 2 cores; `make
# test` runs the same checks on two simulated days): docs/tumour_stroma.md.
validate: build
	ECOSYSTEM_END=20160 ECOSYSTEM_CLAIM_END=2880 ECOSYSTEM_FULL=1 bash tests/cli/ecosystem_targets.sh ./$(BUILD)/stroma $(CURDIR)

bench: build
	./$(BUILD)/bench_diffusion
	./$(BUILD)/bench_diffusion --sizes 100 --subs 8 --vs adi
	./$(BUILD)/bench_cells
	bash bench/scenarios.sh ./$(BUILD)/stroma
	bash bench/threads.sh ./$(BUILD)/stroma
	bash bench/body.sh ./$(BUILD)/stroma
	bash bench/trial.sh ./$(BUILD)/stroma

# Fuzz the model loader for FUZZ_SECONDS (default 10 min), keeping the corpus in build-fuzz/corpus;
# `make fuzz-csv` fuzzes the cells and rules CSV readers for FUZZ_SECONDS each (corpora build-fuzz/corpus-*).
fuzz: build-fuzz
	bash fuzz/run.sh $(CURDIR)/$(BUILD_FUZZ)/fuzz_model_loader $(FUZZ_SECONDS) $(BUILD_FUZZ)/corpus $(BUILD_FUZZ)/artifacts

fuzz-csv: build-fuzz
	bash fuzz/run_csv.sh $(CURDIR)/$(BUILD_FUZZ)/fuzz_cells_csv $(FUZZ_SECONDS) $(BUILD_FUZZ)/corpus-cells_csv $(BUILD_FUZZ)/artifacts-cells_csv
	bash fuzz/run_csv.sh $(CURDIR)/$(BUILD_FUZZ)/fuzz_rules_csv $(FUZZ_SECONDS) $(BUILD_FUZZ)/corpus-rules_csv $(BUILD_FUZZ)/artifacts-rules_csv

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) out
