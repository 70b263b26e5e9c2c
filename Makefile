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

# The Debian package (docs/install.md): a Release build without tests in $(PKG_BUILD_DIR), then CPack.
PKG_BUILD_DIR ?= $(BUILD_DIR)-pkg
export PKG_BUILD_DIR := $(abspath $(PKG_BUILD_DIR))
.PHONY: package package-test

package: deps
	@command -v dpkg-shlibdeps >/dev/null && command -v file >/dev/null || \
	  { echo "package: installing dpkg-dev and file (dpkg-shlibdeps computes Depends)"; \
	    $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends dpkg-dev file >/dev/null; }
	cmake -S . -B $(PKG_BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DPUQ_BUILD_TESTS=OFF \
	  -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
	cmake --build $(PKG_BUILD_DIR) -j$(JOBS) --target puq-synologyd dsm-sim
	cd $(PKG_BUILD_DIR) && cpack -G DEB
	@ls -l $(PKG_BUILD_DIR)/*.deb

package-test: package
	@scripts/package-test.sh

# Benchmarks (bench/README.md): own MariaDB, simulators and daemons; never part of `make test`.
bench: build
	@scripts/bench.sh

# Reliability (docs/reliability.md): libFuzzer runs (clang, FUZZ_SECONDS per target, default 60) and the
# Catch2 tests under ASan+UBSan+LSan (scripts/test-asan.sh --tsan for ThreadSanitizer).
.PHONY: fuzz test-asan
fuzz:
	@scripts/fuzz.sh

test-asan:
	@scripts/test-asan.sh
