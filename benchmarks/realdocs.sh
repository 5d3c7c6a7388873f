#!/usr/bin/env bash
# Score docpipe end to end on the real published documents kept outside the repository
# (../shared/realdocs beside the checkout, or $DOCPIPE_REALDOCS): items found, extra items, labels
# in context, category count error and document types, by that folder's score.py.
#
#   benchmarks/realdocs.sh                  # the development set (dev.jsonl)
#   benchmarks/realdocs.sh OTHER.jsonl ...  # other sets in the same format
#   benchmarks/realdocs.sh --json OUT.json  # also the summary as JSON (score.py's option)
#
# DOCPIPE_REALDOCS  the realdocs folder (holding score.py and dev.jsonl), or score.py itself
# DOCPIPE_BIN       the docpipe command (default: the checkout's .venv/bin/docpipe)
# DOCPIPE_PYTHON    the Python that runs score.py (default: the checkout's .venv/bin/python)
#
# When the documents or the checkout's .venv are not there it says so and exits 0: the real
# documents are not part of the repository and CI does not depend on them. Otherwise the exit
# status is score.py's: 0 only when every figure meets the bar of issue 14.
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"

where="${DOCPIPE_REALDOCS:-$checkout/../shared/realdocs}"
if [ -f "$where" ]; then
    score="$where"
else
    score="$where/score.py"
fi
if [ ! -f "$score" ]; then
    echo "realdocs: 未找到真实文档评测集（$score 不存在），跳过。"
    echo "realdocs: real documents not found ($score does not exist); skipped."
    echo "          Set DOCPIPE_REALDOCS to the realdocs folder to run it."
    exit 0
fi

docpipe="${DOCPIPE_BIN:-$checkout/.venv/bin/docpipe}"
python="${DOCPIPE_PYTHON:-$checkout/.venv/bin/python}"
for tool in "$docpipe" "$python"; do
    if [ ! -x "$tool" ]; then
        echo "realdocs: 未找到 $tool（请先在检出目录中建立 .venv 并安装 docpipe），跳过。"
        echo "realdocs: $tool not found (create the checkout's .venv and install docpipe"
        echo "          first, or set DOCPIPE_BIN and DOCPIPE_PYTHON); skipped."
        exit 0
    fi
done

sets=()
options=()
while [ $# -gt 0 ]; do
    case "$1" in
        --json) options+=("$1" "$2"); shift 2 ;;
        *) sets+=("$1"); shift ;;
    esac
done
if [ ${#sets[@]} -eq 0 ]; then
    sets=("$(dirname "$score")/dev.jsonl")
fi

# score.py trains the model first when models/ is missing: run from the checkout so that the
# checkout's model and training data are the ones scored.
cd "$checkout"
echo "realdocs: $score with $docpipe on ${sets[*]}"
exec "$python" "$score" "$docpipe" "${sets[@]}" ${options[@]+"${options[@]}"}
