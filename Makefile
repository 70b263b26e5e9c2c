# puqSynology: the two commands are `make demo` and `make test` (README.md).
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
export BUILD_DIR := $(abspath $(BUILD_DIR))

.PHONY: all deps build test test-cpp test-php demo stack stack-down bench clean help

all: build

help:
	@echo "make demo        install what is missing, build, and run a whole service life on the simulator"
	@echo "make test        every test: Catch2 (ctest), PHPUnit, integration; ends with a summary"
	@echo "make build       configure and build the daemon, the simulator and the tests"
	@echo "make stack       start MariaDB, dsm-sim and puq-synologyd in the background (build/stack.env)"
	@echo "make stack-down  stop what 'make stack' started"

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

test: build
	@scripts/test.sh

test-cpp: build
	cd $(BUILD_DIR) && ctest --output-on-failure

demo: build
	@scripts/demo.sh

stack: build
	@scripts/stack-up.sh

stack-down:
	@scripts/stack-down.sh

clean:
	rm -rf $(BUILD_DIR)
