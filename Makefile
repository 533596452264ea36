# tongbao: the two everyday commands are `make site` and `make test`.
SWIFT ?= swift

.PHONY: site test deps release bench clean

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

## Benchmarks (run by hand): see bench/README.md.
bench: release
	bench/run

clean:
	rm -rf .build site .site.cache .site.staging .site.old
