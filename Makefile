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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "run gofmt -w on the files above"; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin dist
