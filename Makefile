# The two commands that do everything on a fresh machine: `make demo` and `make test`.
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/cascadecnn
DEMO_OUT ?= demo-out

.PHONY: setup build test fuzz demo sim lint bench clean

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c $(CONFIG) --product cascadecnn

# Release build with testable imports: the golden models, the search and the simulations
# run an order of magnitude faster than in a debug build, which more than pays for the
# slower compile. The readers' fuzz contract runs inside the suite (ReaderFuzzingTests: the
# corpus and seeded mutations); five seconds of real libFuzzer per reader follow only when an
# up-to-date fuzz build exists (scripts/fuzz makes one; with the sanitizers it takes minutes).
test: setup
	$(SWIFT) test -c release -Xswiftc -enable-testing
	@scripts/fuzz --cached --time 5

# libFuzzer on each reader of untrusted input, FUZZ_TIME seconds each (fuzz/README.md).
FUZZ_TIME ?= 600
fuzz:
	@scripts/fuzz --time $(FUZZ_TIME)

# The main job on the bundled example: the whole CascadeCNN flow (quantisation search,
# LPU/HPU wordlengths, CEU tuning, the DSE, RTL of the chosen cascade: its top with both
# layer engines, the truncation unit and the CEU, each also alone, and the Vivado and
# FuseSoC files), then every design simulated under Icarus against its golden model and
# linted; finally the whole cascade on 20 test images, every image's class, forwarded
# flag and both engines' outputs checked, throughput against the DSE's. Simulation runs
# under Verilator: the DSE's engines are large for Icarus (`make -C demo-out sim` uses it).
demo: build
	rm -rf $(DEMO_OUT)
	$(BIN) flow --tolerance 1 --output $(DEMO_OUT)
	$(MAKE) -s -C $(DEMO_OUT) vsim
	$(MAKE) -s -C $(DEMO_OUT) lint
	$(BIN) simulate --cascade $(DEMO_OUT)/cascade.json --data examples/mnist/test --images 20 --simulator verilator

# Simulate every generated design under DEMO_OUT with Icarus Verilog.
sim: setup
	@sim/run $(DEMO_OUT)

bench: setup
	@scripts/bench

clean:
	rm -rf .build $(DEMO_OUT)
