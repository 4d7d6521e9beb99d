# Thin wrappers around the npm scripts (which do all set-up themselves).
SCENARIO ?= ssl-internal

.PHONY: scenario test bench clean list lint
scenario:
	npm run scenario -- $(SCENARIO) $(ARGS)
test:
	npm test
bench:
	npm run bench
list:
	npm run scenario -- --list
clean:
	npm run scenario -- --cleanup
	rm -rf dist results
lint:
	npm run lint
