# The shipped variants of the default scenario (models/desmoplastic.yaml, models/stroma_poor.yaml,
# models/healthy.yaml, models/tumour_stroma_3d.yaml) are the default with only the top-level sections their
# override files in models/variants/ name swapped in: regenerating them from models/tumour_stroma.yaml gives the
# committed files byte for byte (so a change to the default reaches every variant, and a variant differs only
# where its header says the biology does), and each validates.
source "$(dirname "$0")/lib.bash"
python3 "$SRC/models/variants/generate.py" --check "$WORK" || fail "generate.py failed"
n=0
for f in "$SRC"/models/variants/*.yaml; do
  name=$(basename "$f")
  cmp "$WORK/$name" "$SRC/models/$name" ||
    fail "models/$name is not models/tumour_stroma.yaml with models/variants/$name swapped in: run models/variants/generate.py"
  "$STROMA" check "$SRC/models/$name" > "$WORK/check_$name.txt" || fail "models/$name does not validate"
  n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n variants"
# the generator itself: a section of the override replaces the base's, one the base lacks is appended, `key: ~`
# drops it, and the rest is the base's text, comments included
cat > "$WORK/base.yaml" <<'YAML'
# base header
a: 1          # kept
# about b
b: {x: 1}
c:
  - 1
YAML
cat > "$WORK/over.yaml" <<'YAML'
# variant header
b: {x: 2}     # changed
c: ~
d: 4
YAML
python3 - "$SRC/models/variants" "$WORK" <<'PY' || fail "generate.build"
import sys
sys.path.insert(0, sys.argv[1])
import generate
w = sys.argv[2]
got = generate.build(open(w + "/base.yaml").read(), open(w + "/over.yaml").read())
want = "# variant header\na: 1          # kept\nb: {x: 2}     # changed\nd: 4\n"
assert got == want, repr(got)
PY
echo "model_variants: ok ($n variants)"
