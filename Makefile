# einkterm. `make run` starts a local shell on the default display;
# `make test` installs the test peers (as root) and runs every test.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN      := bin/einkterm
export PATH := $(PATH):/usr/local/go/bin:/usr/sbin:/sbin

.PHONY: build run test peers bench lint fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/einkterm

run: build
	./$(BIN) shell

peers:
	./deploy/peers.sh

test: peers
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	./deploy/armtest.sh
	FUZZTIME=3s ./deploy/fuzz.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "run gofmt -w on the files above"; exit 1; }
	$(GO) vet ./...

# fuzz runs every fuzz target for FUZZTIME (default 1m here).
fuzz:
	FUZZTIME=$${FUZZTIME:-1m} ./deploy/fuzz.sh

clean:
	rm -rf bin dist

# dist cross-builds static release binaries into $(DIST) with checksums:
# armv6 (Pi Zero W, Pi 1), armv7 (BeagleBone, 32-bit Pi 2/3/4),
# arm64 (64-bit Pi OS) and amd64 (desktops, VMs).
DIST         ?= dist
DIST_TARGETS := armv6:arm:6 armv7:arm:7 arm64:arm64: amd64:amd64:

.PHONY: dist
dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	set -e; for t in $(DIST_TARGETS); do \
	  name=$${t%%:*}; rest=$${t#*:}; arch=$${rest%%:*}; arm=$${rest#*:}; \
	  echo "build $(DIST)/einkterm-linux-$$name"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$arch GOARM=$$arm $(GO) build -trimpath \
	    -ldflags '$(LDFLAGS)' -o $(DIST)/einkterm-linux-$$name ./cmd/einkterm; \
	done
	cd $(DIST) && sha256sum einkterm-linux-* > SHA256SUMS
