# Bad input: each mistake gets `file:line:col: message`, exit code 2, and no output directory at all.
source "$(dirname "$0")/lib.bash"
base='domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 0.1}
seed: 1
outputs: {every: 5, fields: [csv]}'
# expect (lib.bash): exit 2, the message, nothing created
sub='substrates:
  oxygen: {diffusion: 100000, decay: 0.1, initial: 38}'
expect malformed "$base
substrates: {oxygen: {diffusion: [1, 2}" "malformed\.yaml:[0-9]+:[0-9]+: "
expect unknown_key "$base
substrates:
  oxygen: {diffusion: 100000, decai: 0.1}" "unknown_key\.yaml:6:31: .*decai.*decay"
expect negative_diffusion "$base
substrates:
  oxygen: {diffusion: -3, decay: 0.1}" "negative_diffusion\.yaml:6:[0-9]+: .*substrates\.oxygen\.diffusion"
expect negative_decay "$base
substrates:
  oxygen: {diffusion: 3, decay: -0.1}" "negative_decay\.yaml:6:[0-9]+: .*decay"
expect wrong_type "$base
substrates:
  oxygen: {diffusion: fast, decay: 0.1}" "wrong_type\.yaml:6:[0-9]+: .*diffusion"
expect zero_dt 'domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 0}
'"$sub" "zero_dt\.yaml:2:[0-9]+: .*dt_diffusion"
expect voxel_not_dividing 'domain: {x: [0, 110], y: [0, 20], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 0.1}
'"$sub" "voxel_not_dividing\.yaml:1:[0-9]+: .*voxel"
expect absurd_grid 'domain: {x: [0, 1000000], y: [0, 1000000], z: [0, 1000000], voxel: 1}
time: {end: 10, dt_diffusion: 0.1}
'"$sub" "absurd_grid\.yaml:1:[0-9]+: .*(GiB|memory|too large)"
expect unknown_substrate "$base
$sub
sources:
  - {substrate: oxygn, at: [50, 10, 10], uptake: 1}" "unknown_substrate\.yaml:8:[0-9]+: .*oxygn.*oxygen"
# The body: a substrate name that is not one, a vessel outside the domain, a substrate that crosses the vessel wall
# without a plasma value.
expect body_unknown_substrate "$base
$sub
body:
  plasma_volume: 3000
  tumour_volume: 10
  systemic:
    IL7: {unit: pg/mL, conversion: 1, half_life: 60}" \
  "body_unknown_substrate\.yaml:11:5: body\.systemic: no substrate named 'IL7'"
expect vessel_outside "$base
$sub
vessels:
  oxygen: {substrate: oxygen, blood: 38}
  permeability: {oxygen: 300}
  initial:
    segments:
      - {from: [10, 10, 10], to: [150, 10, 10], density: 0.05}" \
  "vessel_outside\.yaml:12:34: vessels\.initial\.segments\[0\]\.to \(150, 10, 10\) lies outside the domain"
expect permeability_no_plasma "$base
$sub
  IL6: {diffusion: 100, decay: 0.01}
vessels:
  permeability: {IL6: 0.6}" \
  "permeability_no_plasma\.yaml:9:18: vessels\.permeability\.IL6: IL6 crosses the vessel wall .* no plasma value"
# Vesicles: cargo naming a state variable that is not declared; a class named like a substrate.
expect vesicle_cargo "$base
$sub
cell_types:
  CAF: {volume: 2494}
vesicles:
  CAF_exosome: {diameter: 100, decay: 0.01, cargo: {miR-21: 5}, release: {CAF: 1}}" \
  "vesicle_cargo\.yaml:10:53: vesicles\.CAF_exosome\.cargo: no state variable named 'miR-21'"
expect vesicle_name_clash "$base
$sub
vesicles:
  oxygen: {diameter: -100, decay: 0.01}" \
  "vesicle_name_clash\.yaml:8:3: vesicles\.oxygen: a substrate is called oxygen too"
grep -Eq "vesicle_name_clash\.yaml:8:22: vesicles\.oxygen\.diameter must be > 0" "$WORK/vesicle_name_clash.err" ||
  fail "vesicle_name_clash: the negative diameter is not reported"
# Recruitment: an unknown cell type or substrate, a negative rate, a Hill coefficient <= 0, half_max missing with a
# signal or given without one, and recruitment in a model without vessels (cells enter through the vessel walls).
rec_base="$base
$sub
  CCL2: {diffusion: 1000, decay: 0.01}
cell_types:
  macrophage: {volume: 4000}
vessels:
  initial: {uniform: 0.05}
recruitment:"
expect rules_law_unknown "$base
$sub
rules_law: foo" "rules_law_unknown\.yaml:7:12: rules_law must be one of stroma, physicell \(got foo\)"
expect solver_unknown "$base
transport: {solver: cn}" \
  "solver_unknown\.yaml:5:21: transport\.solver must be one of lod, adi, adi-cn, explicit \(got cn\)"
expect boundary_convention_unknown "$base
$sub
boundary_convention: ghost" \
  "boundary_convention_unknown\.yaml:7:22: boundary_convention must be one of face, voxel, biofvm \(got ghost\)"
expect recruit_unknown_type "$rec_base
  macrophages: {rate: 0.2, signal: CCL2, half_max: 1, max_cells: 10}" \
  "recruit_unknown_type\.yaml:13:3: recruitment: no cell type named 'macrophages'.*macrophage"
expect recruit_unknown_signal "$rec_base
  macrophage: {rate: 0.2, signal: CCL20, half_max: 1, max_cells: 10}" \
  "recruit_unknown_signal\.yaml:13:35: recruitment\.macrophage\.signal: no substrate named 'CCL20'.*CCL2"
expect recruit_negative_rate "$rec_base
  macrophage: {rate: -0.2, signal: CCL2, half_max: 1, max_cells: 10}" \
  "recruit_negative_rate\.yaml:13:22: recruitment\.macrophage\.rate must be >= 0.*cells/min/mm²"
expect recruit_zero_hill "$rec_base
  macrophage: {rate: 0.2, signal: CCL2, half_max: 1, hill: 0, max_cells: 10}" \
  "recruit_zero_hill\.yaml:13:60: recruitment\.macrophage\.hill must be > 0"
expect recruit_no_half_max "$rec_base
  macrophage: {rate: 0.2, signal: CCL2, max_cells: 10}" \
  "recruit_no_half_max\.yaml:13:3: missing required key recruitment\.macrophage\.half_max"
expect recruit_hill_no_signal "$rec_base
  macrophage: {rate: 0.2, hill: 2, max_cells: 10}" \
  "recruit_hill_no_signal\.yaml:13:27: recruitment\.macrophage\.hill is given without recruitment\.macrophage\.signal"
expect recruit_no_max_cells "$rec_base
  macrophage: {rate: 0.2}" \
  "recruit_no_max_cells\.yaml:13:3: missing required key recruitment\.macrophage\.max_cells"
expect contact_unknown_variable "$base
$sub
cell_types:
  T: {volume: 500}
state_variables: {PD_L1: {}, exhaustion: {}}
rules:
  - {type: T, signal: PD-L1 in contact, direction: increases, behaviour: exhaustion production, saturation: 0.1, half_max: 1, hill: 1}" \
  "contact_unknown_variable\.yaml:11:23: rules\[0\]\.signal: no signal named 'PD-L1 in contact'; did you mean 'PD_L1 in contact'\?"
expect recruit_no_vessels "$base
$sub
cell_types:
  macrophage: {volume: 4000}
recruitment:
  macrophage: {rate: 0.2, max_cells: 10}" \
  "recruit_no_vessels\.yaml:9:1: recruitment: .*no .vessels:. section"
# A cell or rules file that is not a regular file (a device that never ends, a FIFO that blocks) is refused.
expect device_file "$base
$sub
cell_types:
  a: {}
initial_cells:
  - {file: /dev/zero}
rules:
  - {file: /dev/urandom}" "device_file\.yaml:10:[0-9]+: .*not a regular file"
grep -Eq "device_file\.yaml:12:[0-9]+: .*/dev/urandom is not a regular file" "$WORK/device_file.err" || fail "rules device file"
# Bytes that are not UTF-8 (libfyaml 0.7.12 loops for ever on '%' followed by such a byte) are refused.
expect not_utf8 $'%\x9a' "not_utf8\.yaml:1:2: .*not valid UTF-8"
# Several mistakes are reported at once.
expect many "$base
substrates:
  oxygen: {diffusion: -1, decay: -2, initial: 38}" "many\.yaml:6:[0-9]+: .*diffusion"
grep -Eq "many\.yaml:6:[0-9]+: .*decay" "$WORK/many.err" || fail "second error not reported"
# A missing file.
set +e; "$STROMA" run "$WORK/nope.yaml" --out "$WORK/out_nope" --quiet 2>"$WORK/nope.err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "missing file: exit $rc"
grep -q "nope.yaml" "$WORK/nope.err" || fail "missing file: message lacks the name"
# Bad arguments.
set +e; "$STROMA" run "$SRC/tests/cli/models/small.yaml" --threads 0 --out "$WORK/out_args" 2>/dev/null; rc=$?; set -e
[ $rc -eq 2 ] || fail "bad --threads: exit $rc"
set +e; "$STROMA" run "$SRC/tests/cli/models/small.yaml" --solver nosuch --out "$WORK/out_solver" 2>"$WORK/solver.err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "unknown solver: exit $rc"
# boundary_convention biofvm is the LOD solver's scheme: the explicit solver refuses it at the key (check accepts it).
printf '%s\n' "$base" "substrates:" "  oxygen:" "    diffusion: 100" "    decay: 0.1" "    initial: 38" "    boundary: {x_min: 20}" \
  "boundary_convention: biofvm" > "$WORK/biofvm_explicit.yaml"
"$STROMA" check "$WORK/biofvm_explicit.yaml" >/dev/null || fail "biofvm: check refuses it"
set +e; "$STROMA" run "$WORK/biofvm_explicit.yaml" --solver explicit --out "$WORK/out_biofvm" --quiet 2>"$WORK/biofvm.err"; rc=$?; set -e
[ $rc -eq 2 ] || { cat "$WORK/biofvm.err"; fail "biofvm with the explicit solver: exit $rc"; }
grep -Eq "biofvm_explicit\.yaml:11:1: boundary_convention biofvm needs the lod solver" "$WORK/biofvm.err" ||
  { cat "$WORK/biofvm.err"; fail "biofvm with the explicit solver: message"; }
ls "$WORK" | grep -q out_ && fail "an output directory was created for bad input"
# expect_cmd NAME PATTERN CMD...: CMD must exit 2 within 10 s (a FIFO must not block it), print PATTERN.
expect_cmd() {
  local name=$1 pattern=$2
  shift 2
  set +e
  timeout 10 "$@" </dev/null >/dev/null 2>"$WORK/$name.err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || { cat "$WORK/$name.err"; fail "$name: exit $rc, expected 2"; }
  grep -Eq "$pattern" "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: message does not match /$pattern/"; }
  echo "ok: $name"
}
# Markers, populations, tissue and indices (load_markers.c): names checked against the cell types, the rule tables
# (with "did you mean"), the substrates and body.systemic; thresholds against their range.
cells2d='domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 0.1}
substrates:
  oxygen: {diffusion: 100000, decay: 0.1, initial: 38}
cell_types:
  cancer: {cycle: {model: exponential, duration: 1000}}
  CAF: {cycle: {model: none}}
state_variables:
  SMA: {initial: {CAF: 1}}'
expect marker_unknown_signal "$cells2d
markers:
  SMA: {signal: SAM, above: 0.5}" "marker_unknown_signal\.yaml:11:17: markers\.SMA\.signal: no signal named 'SAM'; did you mean 'SMA'\?"
expect marker_unknown_type "$cells2d
markers:
  SMA: {types: [CAFF], signal: SMA, above: 0.5}" "marker_unknown_type\.yaml:11:17: markers\.SMA\.types\[0\]: no cell type named 'CAFF'; did you mean 'CAF'\?"
expect marker_unknown_behaviour "$cells2d
markers:
  Ki67: {behaviour: cycle entri, above: 0.0001}" "marker_unknown_behaviour\.yaml:11:21: markers\.Ki67\.behaviour: no behaviour named 'cycle entri'; did you mean 'cycle entry'\?"
expect marker_unknown_variable "$cells2d
markers:
  X: {all: [{signal: custom:SAM, above: 0.1}]}" "marker_unknown_variable\.yaml:11:22: markers\.X\.all\[0\]\.signal: no signal named 'custom:SAM'"
expect marker_unreachable "$cells2d
markers:
  Ki67: {types: [cancer], behaviour: cycle entry, above: 0.01}" "marker_unreachable\.yaml:11:58: markers\.Ki67\.above 0\.01: no cell could be positive: 'cycle entry' is at most 0\.001 1/min"
expect marker_negative_threshold "$cells2d
markers:
  SMA: {signal: SMA, above: -1}" "marker_negative_threshold\.yaml:11:29: markers\.SMA\.above must be >= 0"
expect marker_empty_band "$cells2d
markers:
  SMA: {signal: SMA, above: 0.5, below: 0.2}" "marker_empty_band\.yaml:11:41: markers\.SMA\.below \(0\.2\) must be above markers\.SMA\.above \(0\.5\)"
expect marker_contact "$cells2d
markers:
  touch: {signal: contact with CAF, above: 0}" "marker_contact\.yaml:11:19: markers\.touch\.signal: 'contact with CAF' is a contact signal"
expect marker_dead "$cells2d
markers:
  gone: {signal: dead, above: 0}" "marker_dead\.yaml:11:18: .*counted in live cells"
expect marker_empty "$cells2d
markers:
  X: {}" "marker_empty\.yaml:11:3: markers\.X: give types, a condition"
expect marker_two_names "$cells2d
markers:
  X: {signal: SMA, behaviour: apoptosis, above: 0}" "marker_two_names\.yaml:11:[0-9]+: markers\.X: give exactly one of signal, behaviour \(got 2\)"
expect marker_no_bound "$cells2d
markers:
  X: {all: [{signal: SMA}]}" "marker_no_bound\.yaml:11:[0-9]+: markers\.X\.all\[0\]: give above, below or both"
expect marker_misspelt_key "$cells2d
markers:
  X: {signal: SMA, abov: 0.5}" "marker_misspelt_key\.yaml:11:20: .*abov.*above"
expect population_like_type "$cells2d
populations:
  CAF: [CAF]" "population_like_type\.yaml:11:3: populations\.CAF: a population may not be named like a cell type"
expect chemotaxis_unknown_substrate "$base
$sub
cell_types:
  mac: {motility: {speed: 1, chemotaxis: {sensitivities: {oxygn: 1}}}}" "chemotaxis_unknown_substrate\.yaml:8:59: cell_types\.mac\.motility\.chemotaxis\.sensitivities: no substrate named 'oxygn'; did you mean 'oxygen'\?"
expect chemotaxis_infinite "$base
$sub
cell_types:
  mac: {motility: {speed: 1, chemotaxis: {sensitivities: {oxygen: .inf}}}}" "chemotaxis_infinite\.yaml:8:67: cell_types\.mac\.motility\.chemotaxis\.sensitivities\.oxygen must be a finite number \(got \.inf\)"
expect tissue_unknown_type "$cells2d
tissue: {tumour: [cancr]}" "tissue_unknown_type\.yaml:10:19: tissue\.tumour\[0\]: no cell type named 'cancr'; did you mean 'cancer'\?"
expect tissue_coverage "$cells2d
tissue: {tumour: [cancer], coverage: 1.5}" "tissue_coverage\.yaml:10:38: tissue\.coverage must be between 0 and 1 \(got 1\.5\)"
expect tissue_oxygen "$cells2d
tissue: {tumour: [cancer], oxygen: oxygn}" "tissue_oxygen\.yaml:10:36: tissue\.oxygen: no substrate named 'oxygn'; did you mean 'oxygen'\?"
expect tissue_1d "$base
$sub
cell_types:
  cancer: {cycle: {model: none}}
tissue: {tumour: [cancer]}" "tissue_1d\.yaml:9:1: tissue: the tumour region needs a 2D or 3D model \(this one is 1D\)"
expect index_no_body "$cells2d
indices:
  cachexia: {oxygen: {half_max: 1}}" "index_no_body\.yaml:11:14: indices\.cachexia reads plasma values, but the model has no body"
expect index_not_systemic "$cells2d
body:
  plasma_volume: 3000
  tumour_volume: 1
  systemic:
    oxygen: {unit: mmHg, conversion: 1, half_life: 60}
indices:
  premetastatic_niche: {oxgen: {half_max: 1}, oxygen: {half_max: 0}}" \
  "index_not_systemic\.yaml:16:25: indices\.premetastatic_niche\.oxgen: no substrate named 'oxgen'; did you mean 'oxygen'\?"
grep -q "indices.premetastatic_niche.oxygen.half_max must be > 0" "$WORK/index_not_systemic.err" || fail "index half_max 0 accepted"
expect index_cargo "$cells2d
vesicles:
  exo: {diameter: 100, decay: 0, release: {CAF: 1}}
body:
  plasma_volume: 3000
  tumour_volume: 1
  systemic:
    exo: {unit: particles/mL, conversion: 1, half_life: 5}
indices:
  cachexia: {exo: {cargo: SMA, half_max: 1}, oxygen: {half_max: 1}}" "index_cargo\.yaml:18:[0-9]+: indices\.cachexia\.exo\.cargo: exo carries no SMA"
grep -q "indices.cachexia.oxygen: oxygen has no plasma value; list it in body.systemic" "$WORK/index_cargo.err" ||
  fail "a term without a plasma value accepted"
expect image_marker "domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 0.1}
substrates:
  oxygen: {diffusion: 100000, decay: 0.1, initial: 38}
cell_types:
  CAF: {cycle: {model: none}}
markers:
  FAP: {types: [CAF]}
outputs: {every: 5, images: {marker: FPA}}" "image_marker\.yaml:9:38: outputs\.images\.marker: no marker named 'FPA'; did you mean 'FAP'\?"
# A model that is a directory, a FIFO or a device is bad input (exit 2), refused without reading or blocking.
mkdir "$WORK/dir.yaml"
mkfifo "$WORK/fifo.yaml"
for cmd in run check; do
  expect_cmd "model_dir_$cmd" "dir\.yaml: the model file is a directory, not a regular file" \
    "$STROMA" $cmd "$WORK/dir.yaml"
  expect_cmd "model_fifo_$cmd" "fifo\.yaml: the model file is a FIFO \(named pipe\), not a regular file" \
    "$STROMA" $cmd "$WORK/fifo.yaml"
done
expect_cmd model_device "/dev/zero: the model file is a device, not a regular file" "$STROMA" check /dev/zero
expect_cmd model_under_file "cannot open model file: Not a directory" "$STROMA" check "$WORK/many.yaml/x.yaml"
# --out under a regular file: a bad path (exit 2), not a failure to write.
echo not a directory > "$WORK/plain"
expect_cmd outpath_under_file "cannot create output directory '.*plain/o': Not a directory" \
  "$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/plain/o" --quiet
# An end time further than 2^53 steps is refused (llround(end / dt) overflowed: one step, then "complete").
expect_cmd end_overflow "end time 1e\+308 min is more than 2\^53" \
  "$STROMA" run "$SRC/tests/cli/models/small.yaml" --end 1e308 --out "$WORK/out_end" --quiet
expect time_end_overflow 'domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}
time: {end: 1e300, dt_diffusion: 0.1}
'"$sub" "time_end_overflow\.yaml:2:13: time\.end 1e\+300 is more than 2\^53 .* steps of time\.dt_diffusion 0\.1"
# resume: no checkpoint (the message once, not formatted into itself), a FIFO as the checkpoint, a regular file as
# the directory.
mkdir "$WORK/nock" && echo '{}' > "$WORK/nock/run.json"
expect_cmd resume_no_checkpoint \
  "^nothing to resume in '.*nock': cannot open checkpoint '.*nock/checkpoint\.bin': No such file or directory$" \
  "$STROMA" resume "$WORK/nock"
[ "$(grep -c 'nothing to resume' "$WORK/resume_no_checkpoint.err")" -eq 1 ] || fail "resume message repeated"
mkdir "$WORK/fifock" && echo '{}' > "$WORK/fifock/run.json" && mkfifo "$WORK/fifock/checkpoint.bin"
expect_cmd resume_fifo "checkpoint '.*fifock/checkpoint\.bin' is not a regular file \(it is a FIFO" \
  "$STROMA" resume "$WORK/fifock"
expect_cmd resume_file "nothing to resume in '.*plain'" "$STROMA" resume "$WORK/plain"
# report: a FIFO in place of run.json and summary.json is refused, not waited on.
mkdir "$WORK/fiforep" && mkfifo "$WORK/fiforep/run.json" "$WORK/fiforep/summary.json"
expect_cmd report_fifo "run\.json could not be read \(not a regular file\)" "$STROMA" report "$WORK/fiforep"
ls "$WORK" | grep -q out_ && fail "an output directory was created for bad input"
echo "bad_input: ok"
