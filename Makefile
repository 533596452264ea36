# tongbao: the two everyday commands are `make site` and `make test`.
SWIFT ?= swift

PREFIX ?= /usr/local

.PHONY: site test deps release install bench clean

## Install what a fresh Debian machine lacks, build tongbao and render the sample site into site/.
site: release
	.build/release/tongbao build

## Run the test suite: the Swift tests, the independent circular oracle (Tests/Oracle),
## then the site served by a real nginx and crawled (Tests/Integration; needs Debian's nginx).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Tests/Oracle/run.sh .build/debug/tongbao
	Tests/Integration/nginx.sh .build/debug/tongbao

deps:
	scripts/install-deps

## The Swift runtime and Foundation are linked in (one self-contained binary; it also starts in half the time).
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

## Put the release binary on the PATH ($(PREFIX)/bin/tongbao).
install: release
	install -d $(PREFIX)/bin
	install -m 755 .build/release/tongbao $(PREFIX)/bin/tongbao

## Benchmarks (run by hand): see bench/README.md.
bench: release
	bench/run

clean:
	rm -rf .build site .site.cache .site.staging .site.old
