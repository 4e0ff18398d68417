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

# The main job on the bundled example: generate an MM unit and simulate it under Icarus.
demo: build
	rm -rf $(DEMO_OUT)
	$(BIN) generate mm-unit --wordlength 4 --pes 8 --maccs 16 --vectors 256 --seed 1 --output $(DEMO_OUT)/mm-unit
	$(MAKE) -C $(DEMO_OUT)/mm-unit sim lint

# Simulate every generated design under DEMO_OUT (see sim/README.md).
sim:
	@sim/run $(DEMO_OUT)

bench: setup
	@scripts/bench

clean:
	rm -rf .build $(DEMO_OUT)
