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

# Release build with testable imports: the golden models, the search and the simulations
# run an order of magnitude faster than in a debug build, which more than pays for the
# slower compile.
test: setup
	$(SWIFT) test -c release -Xswiftc -enable-testing

# The main job on the bundled example: the whole CascadeCNN flow (quantisation search,
# LPU/HPU wordlengths, CEU tuning, RTL of the chosen units: both layer engines, the
# truncation unit, the CEU), then every unit simulated under Icarus against its golden
# model and linted; finally the HPU's network run on three test images in the engine RTL,
# every layer checked, cycles against the model.
demo: build
	rm -rf $(DEMO_OUT)
	$(BIN) flow --tolerance 1 --output $(DEMO_OUT)
	@sim/run $(DEMO_OUT)/rtl
	$(MAKE) -s -C $(DEMO_OUT) lint
	$(BIN) simulate --model examples/mnist/model.onnx --data examples/mnist/test --images 3 \
	    --quantisation $(DEMO_OUT)/hpu-quantisation.json

# Simulate every generated design under DEMO_OUT with Icarus Verilog.
sim: setup
	@sim/run $(DEMO_OUT)

bench: setup
	@scripts/bench

clean:
	rm -rf .build $(DEMO_OUT)
