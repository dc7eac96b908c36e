# The two commands of the README. Both install what they need first (scripts/setup.sh).
.PHONY: setup demo test build bench targets

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

## Target folders made outside MetaSim's renderer (experiments/README.md), in experiments/data/.
MNIST ?= ../shared/data/mnist
targets:
	python3 experiments/make_mnist_external_target.py --mnist $(MNIST) --out experiments/data/mnist-external
	python3 experiments/make_aerial_external_target.py --out experiments/data/aerial-external
