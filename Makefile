# The two commands of the README. Both install what they need first (scripts/setup.sh).
.PHONY: setup demo test build bench

setup:
	@bash scripts/setup.sh

build: setup
	swift build -c release --product metasim

## The main job: the end-to-end demo on bundled data.
demo: build
	.build/release/metasim demo --overwrite

## The test suite.
test: setup
	swift test

bench: build
	.build/release/metasim bench --json
