#!/usr/bin/env bash
# Masks (-i/-j) and custom labels (-l): the seed's four cases, cAcc/cRank columns,
# tie order and final sort, against tests/oracle/seed_table.py (numpy; its pandas
# check runs the seed's own sort loop).  Synthetic data with many exact ties in
# both accuracies and probabilities, mixed dtypes, plus random masks on the
# published predictions.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy' 2>/dev/null || skip "numpy for $PY is missing"
oracle() { "$PY" tests/oracle/seed_table.py table --pandas "$@"; }

check() { # check NAME ZB_ARGS... -- ORACLE_ARGS...
    local name=$1; shift
    local zb=() or=()
    while [ "$1" != "--" ]; do zb+=("$1"); shift; done; shift
    or=("$@")
    "$ZB" table "${zb[@]}" -o "$T/$name.zb.csv" >/dev/null 2>"$T/$name.err" || die "$name: zoobench failed: $(cat "$T/$name.err")"
    oracle "${or[@]}" >"$T/$name.or.csv" || die "$name: oracle failed"
    cmp -s "$T/$name.zb.csv" "$T/$name.or.csv" ||
        die "$name: differs from the oracle: $(diff "$T/$name.zb.csv" "$T/$name.or.csv" | head -6)"
}

for seed in 1 2 3; do
    D=$T/s$seed
    mkdir -p "$D"
    "$PY" tests/oracle/seed_table.py gen "$D" $seed || die "gen"
    dirs=(-k "$D/keras" -p "$D/pytorch")
    odirs=(--keras "$D/keras" --pytorch "$D/pytorch")
    L=$D/labels.npy
    check s$seed-plain "${dirs[@]}" --labels "$L" -- "${odirs[@]}" --labels "$L"
    check s$seed-omit "${dirs[@]}" --labels "$L" -i "$D/omit.npy" -- "${odirs[@]}" --labels "$L" -i "$D/omit.npy"
    check s$seed-keep "${dirs[@]}" --labels "$L" -j "$D/keep.npy" -- "${odirs[@]}" --labels "$L" -j "$D/keep.npy"
    check s$seed-keepbool "${dirs[@]}" --labels "$L" -j "$D/keep_bool.npy" -- "${odirs[@]}" --labels "$L" -j "$D/keep_bool.npy"
    check s$seed-custom "${dirs[@]}" --labels "$L" -l "$D/custom_all.npy" -- "${odirs[@]}" --labels "$L" -l "$D/custom_all.npy"
    check s$seed-custom-idx "${dirs[@]}" --labels "$L" -l "$D/custom_idx.npy" -- "${odirs[@]}" --labels "$L" -l "$D/custom_idx.npy"
    check s$seed-score-custom "${dirs[@]}" --labels "$L" -l "$D/custom_all.npy" --score-custom-labels -- \
        "${odirs[@]}" --labels "$L" -l "$D/custom_all.npy" --score-custom
    check s$seed-omit-custom "${dirs[@]}" --labels "$L" -i "$D/omit.npy" -l "$D/custom_omit.npy" -- \
        "${odirs[@]}" --labels "$L" -i "$D/omit.npy" -l "$D/custom_omit.npy"
    check s$seed-keep-custom "${dirs[@]}" --labels "$L" --indices-to-keep "$D/keep.npy" --custom-labels "$D/custom_keep.npy" -- \
        "${odirs[@]}" --labels "$L" -j "$D/keep.npy" -l "$D/custom_keep.npy"
    check s$seed-keepbool-custom "${dirs[@]}" --labels "$L" -j "$D/keep_bool.npy" -l "$D/custom_keep_bool.npy" -- \
        "${odirs[@]}" --labels "$L" -j "$D/keep_bool.npy" -l "$D/custom_keep_bool.npy"
done

# Published predictions, random small masks: many tied accuracies among real models.
if [ -d "$ZB_SHARED/seed-results/keras_imagenet" ]; then
    S=$ZB_SHARED/seed-results
    "$PY" - "$T" <<'PY' || die "mask generation"
import numpy as np, sys
rng = np.random.default_rng(7)
for k, n in enumerate((60, 250, 1000)):
    keep = rng.choice(50000, n, replace=False)
    np.save(f"{sys.argv[1]}/pkeep{k}.npy", keep)
    np.save(f"{sys.argv[1]}/pcustom{k}.npy", rng.integers(0, 1000, n) if k != 1 else (keep // 50))
np.save(f"{sys.argv[1]}/pomit.npy", rng.choice(50000, 49900, replace=False))
PY
    dirs=(-k "$S/keras_imagenet" -p "$S/pytorch_imagenet" --labels imagenet-val)
    odirs=(--keras "$S/keras_imagenet" --pytorch "$S/pytorch_imagenet" --labels imagenet-val)
    check pub-keep0 "${dirs[@]}" -j "$T/pkeep0.npy" -- "${odirs[@]}" -j "$T/pkeep0.npy"
    for k in 1 2; do
        check pub-keep-custom$k "${dirs[@]}" -j "$T/pkeep$k.npy" -l "$T/pcustom$k.npy" -- \
            "${odirs[@]}" -j "$T/pkeep$k.npy" -l "$T/pcustom$k.npy"
    done
    check pub-omit "${dirs[@]}" -i "$T/pomit.npy" -- "${odirs[@]}" -i "$T/pomit.npy"
    # The printed table names the c-columns in the seed's order.
    "$ZB" table "${dirs[@]}" -j "$T/pkeep1.npy" -l "$T/pcustom1.npy" | head -1 | tr -s ' ' >"$T/head"
    [ "$(cat "$T/head")" = "Platform Model Acc@1 cAcc@1 Acc@5 cAcc@5 Rank@1 cRank@1 Rank@5 cRank@5" ] ||
        die "header: $(cat "$T/head")"
fi
exit 0
