# The two commands that do everything on a fresh machine: `make demo` and `make test`.
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/cascadecnn
DEMO_OUT ?= demo-out

.PHONY: setup build test demo sim lint bench clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c $(CONFIG) --product cascadecnn

test: setup
	$(SWIFT) test

# The main job: generate an MM unit at 4 and 8 bits, simulate both under Icarus, lint them.
demo: build
	rm -rf $(DEMO_OUT)
	$(BIN) generate mm-unit --wordlength 4 --pes 8 --maccs 16 --vectors 512 --seed 1 --output $(DEMO_OUT)/mm-unit-w4
	$(BIN) generate mm-unit --wordlength 8 --pes 4 --maccs 8 --vectors 512 --seed 1 --output $(DEMO_OUT)/mm-unit-w8
	@sim/run $(DEMO_OUT)
	$(MAKE) -s -C $(DEMO_OUT)/mm-unit-w4 lint
	$(MAKE) -s -C $(DEMO_OUT)/mm-unit-w8 lint

# Simulate every generated design under DEMO_OUT with Icarus Verilog.
sim: setup
	@sim/run $(DEMO_OUT)

bench: setup
	@scripts/bench

clean:
	rm -rf .build $(DEMO_OUT)
