#!/usr/bin/env bash
# Rebuilds README.md: its opening (everything above "## Contents", kept as it is),
# a table of contents, the build section, then one section per docs/readme/<topic>.md
# in the order below.  Edit the snippets, not README.md, then run this.
set -eu
cd "$(dirname "$0")/.."
topics="table published run preprocess predict pth h5 keras real-models weights models
        bench profile kernels stem winograd keras-oracle fuzzing hostile-inputs fuzz-ilsvrc"
head=$(sed '/^## Contents/,$d' README.md)
{
    printf '%s\n\n## Contents\n' "$head"
    for s in $topics; do
        f=docs/readme/$s.md
        [ -f "$f" ] || continue
        t=$(head -1 "$f" | sed 's/^#* //')
        a=$(printf '%s' "$t" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 -]//g; s/ /-/g')
        echo "- [$t](#$a)"
    done
    cat <<'EOT'

## Build and install

```sh
make            # build/zoobench, build/libzoobench.{a,so}
make test       # the whole test suite (unit tests, oracle comparisons; what CI runs)
make test-full  # adds the slow full-size suites
make asan       # the suite under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs it too)
make tsan       # the multi-threaded unit tests under ThreadSanitizer (CI runs it too)
make fuzz       # every libFuzzer harness in fuzz/ for ZB_FUZZ_SECONDS (default 60) each
make install    # PREFIX=/usr/local: binary, library, header, zoobench.pc, man page
```

`zoobench -h` lists the commands; `zoobench COMMAND -h` gives each command's options; `man zoobench`
after `make install`. Design notes are in [docs/](docs/); where each issue stands is in
[docs/STATUS.md](docs/STATUS.md).

EOT
    for s in $topics; do
        f=docs/readme/$s.md
        [ -f "$f" ] || continue
        sed '1s/^#* /## /' "$f"
        echo
    done
} >README.md.tmp
mv README.md.tmp README.md
