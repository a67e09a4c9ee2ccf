#!/usr/bin/env bash
# Checks `./reproduce.sh --emit-jobs` and `--emit-jobs --slurm [FILE]` without Slurm and without building: a copy of
# reproduce.sh runs in a scratch folder where `swift`, `dpkg` and the experiments' binaries are stubs (two
# experiments, three runs, one of them already trained at this scale with a log). It checks that standard output
# carries only the run lines (or only the job script), build progress going to standard error; that the job script
# passes `bash -n`, has one array task per run with the run's command, per-run limits from the step-time table
# and from the run's own log; and that `--slurm FILE` writes the same script to FILE.
# Usage: scripts/check-slurm-emit.sh          (exit 0 when all pass)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

mkdir -p "$dir/repo/scripts" "$dir/repo/.build/release" "$dir/bin"
cp "$root/reproduce.sh" "$dir/repo/"
cp "$root/scripts/system-packages.txt" "$dir/repo/scripts/"
printf '#\ttest table\nalpha\tpaper\tnet-\t1000\t7200\t1024\tmeasured\nalpha\tpaper\tnet-big-\t3000\t7200\t-\tmeasured\n' > "$dir/repo/scripts/step-times.tsv"
# Stubs: the build prints progress on standard output (reproduce.sh must send it to standard error).
printf '#!/bin/sh\necho "Building for production... [stub]"\n' > "$dir/bin/swift"
printf '#!/bin/sh\nexit 0\n' > "$dir/bin/dpkg"
cat > "$dir/repo/.build/release/np-report" <<'STUB'
#!/bin/sh
case "$1" in experiments) printf 'alpha\nbeta\n' ;; targets) printf 'alpha\ttable1\tTable 1\t-\tmissing\ttables/table1.tex\n' ;; esac
STUB
cat > "$dir/repo/.build/release/alpha" <<'STUB'
#!/bin/sh
# runs [--status] --scale S
if [ "$2" = --status ]; then printf 'missing net-a1b2\nmissing net-big-c3d4\n'
else printf '%s\n' ".build/release/alpha evaluate --scale paper --results results/alpha/paper --model net --quiet" \
                    ".build/release/alpha evaluate --scale paper --results results/alpha/paper --model 'net big' --quiet"; fi
STUB
cat > "$dir/repo/.build/release/beta" <<'STUB'
#!/bin/sh
if [ "$2" = --status ]; then printf 'done    other-e5f6\n'
else printf '%s\n' ".build/release/beta evaluate --scale paper --results results/beta/paper --model other --quiet"; fi
STUB
chmod +x "$dir/bin/"* "$dir/repo/.build/release/"*
# beta's run has trained at this scale: 10,000 steps in 3,600 s (360 ms per step) by its own log.
mkdir -p "$dir/repo/results/beta/paper/runs/other-e5f6"
# Its configuration as runs write it: the schedule's steps, after another "steps" (a simulation's) that must not be read.
printf '{\n  "data" : {\n    "steps" : 35\n  },\n  "schedule" : {\n    "steps" : 20000\n  }\n}\n' > "$dir/repo/results/beta/paper/runs/other-e5f6/config.json"
printf 'step,train_loss_ema,validation_loglik,seconds\n10000,0.5,,3600.0\n' > "$dir/repo/results/beta/paper/runs/other-e5f6/train-log.csv"

export PATH="$dir/bin:$PATH"
cd "$dir/repo"
# Plain --emit-jobs: exactly the three run lines on standard output.
./reproduce.sh --emit-jobs --scale paper > "$dir/lines.out" 2> "$dir/lines.err" || bad "--emit-jobs failed: $(cat "$dir/lines.err")"
[ "$(wc -l < "$dir/lines.out")" = 3 ] && ! grep -q Building "$dir/lines.out" || bad "--emit-jobs standard output is not the 3 run lines: $(cat "$dir/lines.out")"
grep -q "Building" "$dir/lines.err" || bad "build progress did not reach standard error"
# --slurm to standard output.
./reproduce.sh --emit-jobs --slurm --scale paper > "$dir/job.sh" 2> "$dir/job.err" || bad "--emit-jobs --slurm failed: $(cat "$dir/job.err")"
bash -n "$dir/job.sh" || bad "the job script does not pass bash -n"
head -n 1 "$dir/job.sh" | grep -qx '#!/bin/bash' || bad "the job script does not start with #!/bin/bash"
grep -q Building "$dir/job.sh" && bad "build progress in the job script"
grep -qx '#SBATCH --array=0-2' "$dir/job.sh" || bad "not one array task per run (0-2)"
[ "$(grep -c '^  [0-9]*) \.build/release/' "$dir/job.sh")" = 3 ] || bad "the job script does not hold the 3 run commands"
grep -qF "  1) .build/release/alpha evaluate --scale paper --results results/alpha/paper --model 'net big' --quiet ;;" "$dir/job.sh" \
  || bad "run 1's command is not in the job script as emitted"
# net-: 7,200 steps × 1 s × 1.5 = 3 h, + 1 h = 4 h; memory 2 × 1,024 MB = 2 GB. net-big- (longest prefix): 3 s per
# step → 9 h + 1 = 10 h; memory not measured → 4 GB. beta: its own log, 20,000 steps × 0.36 s × 1.5 = 3 h, + 1 = 4 h.
grep -q '^#   0	4	2G	alpha net-a1b2: 7200-steps-at-1000ms-(step-times.tsv)' "$dir/job.sh" || bad "run 0's estimate"
grep -q '^#   1	10	4G	alpha net-big-c3d4: 7200-steps-at-3000ms-(step-times.tsv)' "$dir/job.sh" || bad "run 1's estimate (longest prefix)"
grep -q '^#   2	4	4G	beta other-e5f6: 20000-steps-at-360.0ms-(own log)' "$dir/job.sh" || bad "run 2's estimate (own log)"
grep -qx '#SBATCH --time=0-10:00:00' "$dir/job.sh" || bad "the array's time is not the longest run's"
grep -qF 'sbatch --parsable --array=0 --time=0-04:00:00 --mem=2G "$0"' "$dir/job.sh" || bad "no per-class submission for run 0"
grep -qF 'sbatch --parsable --array=2 --time=0-04:00:00 --mem=4G "$0"' "$dir/job.sh" || bad "no per-class submission for run 2"
# Submitting and running a task, with sbatch a stub that records its arguments.
printf '#!/bin/sh\necho "$@" >> %q/sbatch.calls\n' "$dir" > "$dir/bin/sbatch"; chmod +x "$dir/bin/sbatch"
bash "$dir/job.sh" submit >/dev/null || bad "bash job.sh submit failed"
[ "$(wc -l < "$dir/sbatch.calls")" = 3 ] || bad "submit did not make 3 arrays (one per resource class): $(cat "$dir/sbatch.calls")"
printf '#!/bin/sh\necho "task ran: $*"\n' > "$dir/repo/.build/release/beta"
[ "$(SLURM_ARRAY_TASK_ID=2 bash "$dir/job.sh")" = "task ran: evaluate --scale paper --results results/beta/paper --model other --quiet" ] || bad "array task 2 did not run beta's command"
# --slurm FILE (relative to the caller's directory): the script goes there, nothing on standard output.
restore=$(mktemp); cp "$dir/job.sh" "$restore"
cat > "$dir/repo/.build/release/beta" <<'STUB'
#!/bin/sh
if [ "$2" = --status ]; then printf 'done    other-e5f6\n'
else printf '%s\n' ".build/release/beta evaluate --scale paper --results results/beta/paper --model other --quiet"; fi
STUB
mkdir -p "$dir/elsewhere"; cd "$dir/elsewhere"
"$dir/repo/reproduce.sh" --emit-jobs --slurm jobs.sbatch --scale paper > "$dir/file.out" 2>/dev/null || bad "--slurm FILE failed"
[ ! -s "$dir/file.out" ] || bad "--slurm FILE printed on standard output"
cmp -s "$dir/elsewhere/jobs.sbatch" "$restore" || bad "--slurm FILE did not write the same script to ./jobs.sbatch"
rm -f "$restore"
# --slurm without --emit-jobs is refused.
"$dir/repo/reproduce.sh" --slurm --scale paper >/dev/null 2>&1 && bad "--slurm without --emit-jobs was accepted"
[ $fail = 0 ] && echo "ok: --emit-jobs and --emit-jobs --slurm"
[ $fail = 0 ]
